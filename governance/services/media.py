"""Writes of the governance app: the register of sharing media (三(四) 1 a1–a5, 非可控区域 a)."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from audit.context import acting_as
from core.errors import ApplicationError
from core.uploads import check_upload
from deadlines import services as deadline_services
from notifications.services import notify

from ..fields import MEDIUM as MEDIUM_FIELDS
from ..models import (
    MEDIUM_DOCUMENT_KINDS,
    MediumCheck,
    MediumHandover,
    MediumUseRequest,
    SharingArea,
    SharingMedium,
    today_local,
)
from .common import _full_clean, _next_reference, _sha256, local_datetime

MEDIUM_CHECK_KIND = "governance.medium.check"
MEDIUM_RETURN_KIND = "governance.medium.return"


def _locked(medium: SharingMedium) -> SharingMedium:
    return SharingMedium.objects.select_for_update().get(pk=medium.pk)


def _require_not_disposed(medium: SharingMedium) -> None:
    if medium.is_disposed:
        raise ApplicationError(_("This medium has been disposed of; its record is closed."))


def _validate_medium(medium: SharingMedium) -> None:
    if medium.ownership == SharingMedium.Ownership.THIRD_PARTY and not medium.owner_name.strip():
        raise ApplicationError(_("Name the owner of a third party's medium."))
    if medium.needs_liability_agreement and not medium.liability_agreement:
        raise ApplicationError(
            _(
                "A medium used outside the controlled area or owned by a third party needs the "
                "owner's liability agreement on file."
            )
        )
    backup = medium.backup_medium
    if backup is not None:
        if medium.pk is not None and backup.pk == medium.pk:
            raise ApplicationError(_("A medium cannot be its own backup."))
        if backup.is_disposed:
            raise ApplicationError(_("The chosen backup medium has been disposed of."))
    elif not medium.backup_note.strip():
        raise ApplicationError(
            _(
                "Choose a backup medium or describe the backup arrangement: no medium without backup."
            )
        )
    if not 1 <= medium.check_interval_days <= 366:
        raise ApplicationError(_("The security check interval must be 1 to 366 days."))
    _full_clean(medium, exclude=["reference", "liability_agreement", "disposal_certificate"])


def _check_items_fit(medium: SharingMedium, items) -> None:
    """Items above the medium's level, or outside the items it may carry, are refused by name."""
    too_high = [i for i in items if i.data_level > medium.max_level]
    if too_high:
        raise ApplicationError(
            _("Medium %(ref)s may carry data up to level %(max)s only: %(items)s.")
            % {
                "ref": medium.reference or medium.name,
                "max": medium.max_level,
                "items": "、".join(f"{i.code} {i.name_zh}" for i in too_high),
            }
        )
    if medium.pk is not None and medium.items.exists():
        allowed = set(medium.items.values_list("code", flat=True))
        outside = [i for i in items if i.code not in allowed]
        if outside:
            raise ApplicationError(
                _("Medium %(ref)s is not registered to carry %(items)s.")
                % {
                    "ref": medium.reference,
                    "items": "、".join(f"{i.code} {i.name_zh}" for i in outside),
                }
            )


def _schedule_check(medium: SharingMedium, due: datetime.date, *, actor) -> None:
    """The next periodic security check, as a deadline on the engine owned by the custodian."""
    medium.next_check_due = due
    medium.save(update_fields=["next_check_due", "updated_at"])
    deadline_services.deadline_create(
        subject=medium,
        kind=MEDIUM_CHECK_KIND,
        due_at=local_datetime(due),
        owner=medium.custodian,
        title=_("Security check of medium %(ref)s due on %(date)s")
        % {"ref": medium.reference, "date": due.isoformat()},
        url=medium.get_absolute_url(),
        actor=actor,
    )


def _close_deadlines(subject, kind: str, *, actor, met: bool, reason: str = "") -> None:
    from deadlines.models import Deadline

    for d in deadline_services.deadlines_for(subject, kind=kind).filter(
        state__in=Deadline.ACTIVE_STATES
    ):
        if met:
            deadline_services.deadline_meet(deadline=d, actor=actor)
        else:
            deadline_services.deadline_cancel(deadline=d, reason=reason, actor=actor)


def medium_register(*, actor, liability_agreement=None, **fields) -> SharingMedium:
    """An officer registers a medium; its first security check is scheduled at once."""
    policy.require(actor, "governance.medium.create")
    unknown = set(fields) - set(MEDIUM_FIELDS)
    if unknown:
        raise ApplicationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    if liability_agreement is not None:
        check_upload(liability_agreement, kinds=MEDIUM_DOCUMENT_KINDS)
    items = list(fields.pop("items", None) or [])
    medium = SharingMedium(**fields)
    _check_items_fit(medium, items)
    medium.registered_by = policy.person(actor)
    if liability_agreement is not None:
        medium.liability_agreement = liability_agreement  # checked for presence below
    _validate_medium(medium)
    with transaction.atomic(), acting_as(actor):
        medium.reference = _next_reference(SharingMedium, "MED", today_local().year)
        if liability_agreement is not None:
            medium.liability_agreement_sha256 = _sha256(liability_agreement)
            medium.liability_agreement.save(
                liability_agreement.name, liability_agreement, save=False
            )
        medium.save()
        medium.items.set(items)
        _schedule_check(
            medium,
            today_local() + datetime.timedelta(days=medium.check_interval_days),
            actor=actor,
        )
    return medium


def medium_update(*, medium: SharingMedium, actor, **fields) -> SharingMedium:
    """An officer edits what the register says about a medium (not its custodian: that passes
    only by a confirmed handover)."""
    policy.require(actor, "governance.medium.change", medium)
    _require_not_disposed(medium)
    allowed = set(MEDIUM_FIELDS) - {"custodian"}
    unknown = set(fields) - allowed
    if unknown:
        raise ApplicationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    items = fields.pop("items", None)
    with transaction.atomic(), acting_as(actor):
        medium = _locked(medium)
        for name, value in fields.items():
            setattr(medium, name, value)
        _validate_medium(medium)
        if items is not None:
            medium.items.clear()
            _check_items_fit(medium, list(items))
        medium.save()
        if items is not None:
            medium.items.set(items)
    return medium


def medium_attach_liability_agreement(
    *, medium: SharingMedium, actor, file, owner_name: str = ""
) -> SharingMedium:
    """The owner's signed liability agreement (third-party medium, uncontrolled area)."""
    policy.require(actor, "governance.medium.change", medium)
    _require_not_disposed(medium)
    if file is None:
        raise ApplicationError(_("Choose the signed liability agreement to upload."))
    check_upload(file, kinds=MEDIUM_DOCUMENT_KINDS)
    with transaction.atomic(), acting_as(actor):
        medium = _locked(medium)
        if owner_name.strip():
            medium.owner_name = owner_name.strip()[:200]
        medium.liability_agreement_sha256 = _sha256(file)
        medium.liability_agreement.save(file.name, file, save=False)
        medium.save()
    return medium


def medium_check_record(
    *,
    medium: SharingMedium,
    actor,
    result: str,
    findings: str = "",
    checked_on: datetime.date | None = None,
) -> MediumCheck:
    """The custodian (or an officer) records a periodic security check: the open check deadline
    is met and the next one scheduled. A failed check takes the medium out of use: an officer
    hears of it."""
    policy.require(actor, "governance.medium.check", medium)
    _require_not_disposed(medium)
    checked_on = checked_on or today_local()
    if checked_on > today_local():
        raise ApplicationError(_("A check cannot be dated in the future."))
    if result not in MediumCheck.Result.values:
        raise ApplicationError(_("Choose the result of the check."))
    findings = (findings or "").strip()
    if result != MediumCheck.Result.PASSED and not findings:
        raise ApplicationError(_("Describe what the check found."))
    with transaction.atomic(), acting_as(actor):
        medium = _locked(medium)
        check = MediumCheck.objects.create(
            medium=medium,
            checked_on=checked_on,
            result=result,
            findings=findings,
            checked_by=actor,
        )
        _close_deadlines(medium, MEDIUM_CHECK_KIND, actor=actor, met=True)
        _schedule_check(
            medium, checked_on + datetime.timedelta(days=medium.check_interval_days), actor=actor
        )
        if result == MediumCheck.Result.FAILED:
            notify(
                recipients=policy.holders(policy.OFFICERS),
                subject=_("Medium %(ref)s failed its security check") % {"ref": medium.reference},
                body=findings,
                url=medium.get_absolute_url(),
                dedupe_key=f"governance:medium-check-failed:{check.pk}",
            )
    return check


def medium_use_request(
    *,
    medium: SharingMedium,
    actor,
    purpose: str,
    items,
    needed_from: datetime.date,
    return_by: datetime.date,
) -> MediumUseRequest:
    """Someone asks to use a medium (使用申请) to carry catalogue items; the level is theirs."""
    policy.require(actor, "governance.medium.use_request", medium)
    _require_not_disposed(medium)
    if not purpose.strip():
        raise ApplicationError(_("Say what the medium is needed for."))
    items = list(items or [])
    if not items:
        raise ApplicationError(_("Name the catalogue items the medium will carry."))
    data_level = max(i.data_level for i in items)
    _check_items_fit(medium, items)
    if needed_from < today_local():
        raise ApplicationError(_("The medium cannot be requested for a past date."))
    if return_by < needed_from:
        raise ApplicationError(_("The return date is before the start of use."))
    with transaction.atomic(), acting_as(actor):
        request = MediumUseRequest.objects.create(
            medium=medium,
            requested_by=actor,
            purpose=purpose.strip(),
            data_level=data_level,
            needed_from=needed_from,
            return_by=return_by,
        )
        request.items.set(items)
        notify(
            recipients=policy.holders(policy.OFFICERS),
            subject=_("Request to use medium %(ref)s") % {"ref": medium.reference},
            body=request.purpose,
            url=medium.get_absolute_url(),
            dedupe_key=f"governance:medium-use-requested:{request.pk}",
        )
    return request


def medium_use_approve(
    *, use_request: MediumUseRequest, actor, comment: str = ""
) -> MediumUseRequest:
    """An officer approves: the medium is lent out, and its return falls due on the engine."""
    policy.require(actor, "governance.medium.use_decide", use_request)
    if use_request.requested_by_id == actor.pk:
        raise ApplicationError(_("Nobody approves their own request to use a medium."))
    with transaction.atomic(), acting_as(actor):
        request = MediumUseRequest.objects.select_for_update().get(pk=use_request.pk)
        medium = _locked(request.medium)
        _require_not_disposed(medium)
        if request.state != MediumUseRequest.State.REQUESTED:
            raise ApplicationError(_("This request has already been decided."))
        if medium.state != SharingMedium.State.IN_STORE:
            raise ApplicationError(
                _("Medium %(ref)s is not in store: it is lent out until it is returned.")
                % {"ref": medium.reference}
            )
        if medium.handovers.filter(state=MediumHandover.State.PENDING).exists():
            raise ApplicationError(_("A handover of this medium awaits confirmation."))
        request.state = MediumUseRequest.State.APPROVED
        request.decided_by = actor
        request.decided_at = timezone.now()
        request.decision_comment = comment.strip()
        request.save()
        medium.state = SharingMedium.State.IN_USE
        medium.save(update_fields=["state", "updated_at"])
        deadline_services.deadline_create(
            subject=request,
            kind=MEDIUM_RETURN_KIND,
            due_at=local_datetime(request.return_by, 17),
            owner=request.requested_by,
            title=_("Return medium %(ref)s by %(date)s")
            % {"ref": medium.reference, "date": request.return_by.isoformat()},
            url=medium.get_absolute_url(),
            actor=actor,
        )
        notify(
            recipients=[request.requested_by, medium.custodian],
            subject=_("Use of medium %(ref)s approved") % {"ref": medium.reference},
            body=request.decision_comment,
            url=medium.get_absolute_url(),
            dedupe_key=f"governance:medium-use-approved:{request.pk}",
        )
    return request


def medium_use_refuse(*, use_request: MediumUseRequest, actor, comment: str) -> MediumUseRequest:
    policy.require(actor, "governance.medium.use_decide", use_request)
    if not comment.strip():
        raise ApplicationError(_("Say why the request is refused."))
    with transaction.atomic(), acting_as(actor):
        request = MediumUseRequest.objects.select_for_update().get(pk=use_request.pk)
        if request.state != MediumUseRequest.State.REQUESTED:
            raise ApplicationError(_("This request has already been decided."))
        request.state = MediumUseRequest.State.REFUSED
        request.decided_by = actor
        request.decided_at = timezone.now()
        request.decision_comment = comment.strip()
        request.save()
        notify(
            recipients=[request.requested_by],
            subject=_("Use of medium %(ref)s refused") % {"ref": request.medium.reference},
            body=request.decision_comment,
            url=request.medium.get_absolute_url(),
            dedupe_key=f"governance:medium-use-refused:{request.pk}",
        )
    return request


def medium_use_return(
    *, use_request: MediumUseRequest, actor, condition: str = ""
) -> MediumUseRequest:
    """The custodian receives the medium back (an officer may record it for them)."""
    policy.require(actor, "governance.medium.use_return", use_request)
    with transaction.atomic(), acting_as(actor):
        request = MediumUseRequest.objects.select_for_update().get(pk=use_request.pk)
        if request.state != MediumUseRequest.State.APPROVED:
            raise ApplicationError(_("Only a medium lent out can be returned."))
        medium = _locked(request.medium)
        request.state = MediumUseRequest.State.RETURNED
        request.returned_at = timezone.now()
        request.return_received_by = actor
        request.return_condition = (condition or "").strip()[:200]
        request.save()
        medium.state = SharingMedium.State.IN_STORE
        medium.save(update_fields=["state", "updated_at"])
        _close_deadlines(request, MEDIUM_RETURN_KIND, actor=actor, met=True)
    return request


def medium_handover_start(
    *, medium: SharingMedium, actor, to_user, reason: str, condition: str = ""
) -> MediumHandover:
    """The custodian (or an officer for them) offers the medium to someone else. The custodian's
    own start counts as the giver's confirmation; the right to use it passes only when the
    receiver confirms (非可控区域 a 2)."""
    policy.require(actor, "governance.medium.handover", medium)
    _require_not_disposed(medium)
    if to_user is None:
        raise ApplicationError(_("Choose who receives the medium."))
    if not reason.strip():
        raise ApplicationError(_("Say why the medium changes hands."))
    if not getattr(to_user, "is_active", False):
        raise ApplicationError(_("The receiver's account is not active."))
    with transaction.atomic(), acting_as(actor):
        medium = _locked(medium)
        if to_user.pk == medium.custodian_id:
            raise ApplicationError(_("The receiver already keeps this medium."))
        if medium.state != SharingMedium.State.IN_STORE:
            raise ApplicationError(_("Only a medium in store can be handed over."))
        if medium.handovers.filter(state=MediumHandover.State.PENDING).exists():
            raise ApplicationError(_("A handover of this medium awaits confirmation."))
        now = timezone.now()
        handover = MediumHandover.objects.create(
            medium=medium,
            from_user=medium.custodian,
            to_user=to_user,
            reason=reason.strip()[:200],
            condition=(condition or "").strip()[:200],
            initiated_by=actor,
            from_confirmed_at=now if actor.pk == medium.custodian_id else None,
        )
        recipients = [to_user]
        if handover.from_confirmed_at is None:
            recipients.append(medium.custodian)
        notify(
            recipients=recipients,
            subject=_("Confirm the handover of medium %(ref)s") % {"ref": medium.reference},
            body=_("%(giver)s → %(receiver)s: %(reason)s")
            % {"giver": medium.custodian, "receiver": to_user, "reason": handover.reason},
            url=medium.get_absolute_url(),
            dedupe_key=f"governance:medium-handover:{handover.pk}",
        )
    return handover


def medium_handover_confirm(*, handover: MediumHandover, actor) -> MediumHandover:
    """The giver or the receiver confirms. When both have, the receiver becomes the custodian
    and the open security-check deadline moves to them."""
    policy.require(actor, "governance.medium.handover_confirm", handover)
    with transaction.atomic(), acting_as(actor):
        handover = MediumHandover.objects.select_for_update().get(pk=handover.pk)
        if handover.state != MediumHandover.State.PENDING:
            raise ApplicationError(_("This handover is no longer awaiting confirmation."))
        medium = _locked(handover.medium)
        now = timezone.now()
        if actor.pk == handover.from_user_id:
            if handover.from_confirmed_at:
                raise ApplicationError(_("You have already confirmed this handover."))
            handover.from_confirmed_at = now
        elif actor.pk == handover.to_user_id:
            if handover.to_confirmed_at:
                raise ApplicationError(_("You have already confirmed this handover."))
            handover.to_confirmed_at = now
        else:
            raise ApplicationError(
                _("Only the person handing the medium over and the person receiving it confirm.")
            )
        if handover.from_confirmed_at and handover.to_confirmed_at:
            handover.state = MediumHandover.State.COMPLETED
            medium.custodian_id = handover.to_user_id
            medium.save(update_fields=["custodian", "updated_at"])
            deadline_services.deadlines_transfer(
                subjects=[medium],
                owner=handover.to_user,
                actor=actor,
                reason=_("Medium handed over"),
            )
        handover.save()
    return handover


def medium_handover_decline(*, handover: MediumHandover, actor, comment: str) -> MediumHandover:
    """The receiver declines, or the giver (or an officer) withdraws: the custodian stays."""
    policy.require(actor, "governance.medium.handover_confirm", handover)
    if not comment.strip():
        raise ApplicationError(_("Say why the handover does not go ahead."))
    with transaction.atomic(), acting_as(actor):
        handover = MediumHandover.objects.select_for_update().get(pk=handover.pk)
        if handover.state != MediumHandover.State.PENDING:
            raise ApplicationError(_("This handover is no longer awaiting confirmation."))
        if actor.pk == handover.to_user_id:
            handover.state = MediumHandover.State.DECLINED
        elif actor.pk == handover.from_user_id or policy.has_any(actor, policy.OFFICERS):
            handover.state = MediumHandover.State.CANCELLED
        else:
            raise ApplicationError(
                _("Only the person handing the medium over and the person receiving it confirm.")
            )
        handover.closed_comment = comment.strip()[:200]
        handover.save()
    return handover


def medium_dispose(
    *,
    medium: SharingMedium,
    actor,
    method: str,
    witness,
    certificate,
    disposed_on: datetime.date | None = None,
) -> SharingMedium:
    """报废: an officer disposes of a medium before a witness and files the certificate (its
    SHA-256 kept). A medium lent out, being handed over, or the backup of one in service cannot
    be disposed of; its deadlines close."""
    policy.require(actor, "governance.medium.dispose", medium)
    _require_not_disposed(medium)
    if not (method or "").strip():
        raise ApplicationError(_("Say how the medium was destroyed."))
    if witness is None:
        raise ApplicationError(_("Name the witness of the disposal."))
    if witness.pk == actor.pk:
        raise ApplicationError(_("The witness must be someone other than who disposes of it."))
    if not getattr(witness, "is_active", False):
        raise ApplicationError(_("The witness's account is not active."))
    if certificate is None:
        raise ApplicationError(_("Upload the disposal certificate."))
    check_upload(certificate, kinds=MEDIUM_DOCUMENT_KINDS)
    disposed_on = disposed_on or today_local()
    if disposed_on > today_local():
        raise ApplicationError(_("A disposal cannot be dated in the future."))
    with transaction.atomic(), acting_as(actor):
        medium = _locked(medium)
        _require_not_disposed(medium)
        if medium.state == SharingMedium.State.IN_USE:
            raise ApplicationError(_("The medium is lent out: have it returned first."))
        if medium.handovers.filter(state=MediumHandover.State.PENDING).exists():
            raise ApplicationError(_("A handover of this medium awaits confirmation."))
        if medium.backs_up.exclude(state=SharingMedium.State.DISPOSED).exists():
            raise ApplicationError(
                _("This medium is the backup of a medium in service: choose another backup first.")
            )
        medium.state = SharingMedium.State.DISPOSED
        medium.disposed_at = local_datetime(disposed_on, 12)
        medium.disposal_method = method.strip()[:200]
        medium.disposed_by = actor
        medium.disposal_witness = witness
        medium.disposal_certificate_sha256 = _sha256(certificate)
        medium.disposal_certificate.save(certificate.name, certificate, save=False)
        medium.next_check_due = None
        medium.save()
        MediumUseRequest.objects.filter(
            medium=medium, state=MediumUseRequest.State.REQUESTED
        ).update(
            state=MediumUseRequest.State.REFUSED,
            decided_by=actor,
            decided_at=timezone.now(),
            decision_comment=_("The medium was disposed of."),
        )
        _close_deadlines(
            medium, MEDIUM_CHECK_KIND, actor=actor, met=False, reason=_("Medium disposed of.")
        )
    return medium


__all__ = [
    "MEDIUM_CHECK_KIND",
    "MEDIUM_RETURN_KIND",
    "SharingArea",
    "medium_attach_liability_agreement",
    "medium_check_record",
    "medium_dispose",
    "medium_handover_confirm",
    "medium_handover_decline",
    "medium_handover_start",
    "medium_register",
    "medium_update",
    "medium_use_approve",
    "medium_use_refuse",
    "medium_use_request",
    "medium_use_return",
]
