"""Writes of the governance app. Keyword-only arguments, one transaction each, full validation; (sharing)."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from accounts.models import Department
from audit.context import acting_as
from core.errors import ApplicationError

from ..models import (
    ContactRole,
    ContactRoleAssignment,
    CooperationAgreement,
    Counterparty,
    SharingLogEntry,
    SharingRegistration,
    SharingTier,
    today_local,
)
from .common import _full_clean, _next_reference


def _coverage_error(*, agreement, counterparty, level, tier, on) -> str | None:
    if agreement.counterparty_id != counterparty.pk:
        return _("Agreement %(ref)s is not with %(cp)s.") % {
            "ref": agreement.reference,
            "cp": counterparty,
        }
    if agreement.suspended_at:
        return _(
            "Agreement %(ref)s is suspended until the partner's remedy is verified (reason: "
            "%(reason)s); no data may be shared under it."
        ) % {"ref": agreement.reference, "reason": agreement.suspension_reason}
    status = agreement.status_on(on)
    S = CooperationAgreement.Status
    if status not in (S.ACTIVE, S.EXPIRING):
        return _(
            "Agreement %(ref)s is not in force on %(date)s (status: %(status)s); no data may "
            "be shared under it."
        ) % {"ref": agreement.reference, "date": on.isoformat(), "status": S(status).label}
    if agreement.max_data_level < int(level):
        return _(
            "Agreement %(ref)s covers data up to level %(max)s; this dataset is level %(level)s."
        ) % {"ref": agreement.reference, "max": agreement.max_data_level, "level": level}
    if not agreement.covers(level=int(level), tier=tier):
        return _(
            "Agreement %(ref)s covers sharing up to “%(max)s”; this request is “%(tier)s”."
        ) % {
            "ref": agreement.reference,
            "max": SharingTier(agreement.max_sharing_tier).label,
            "tier": SharingTier(tier).label,
        }
    return None


def sharing_registration_create(
    *,
    counterparty: Counterparty,
    agreement: CooperationAgreement | None,
    dataset: str,
    purpose: str,
    data_level: int,
    sharing_tier: str,
    planned_on: datetime.date | None = None,
    is_bulk_one_time: bool = False,
    record_count: int | None = None,
    actor,
) -> SharingRegistration:
    """Register a share. Refused unless an agreement in force with that counterparty covers the
    data level and tier. Strictly restricted data waits for the data-authority department; a bulk
    one-time share waits for a compliance officer; anything else is approved and logged now."""
    policy.require(actor, "governance.sharing.create", agreement)
    planned_on = planned_on or today_local()
    if sharing_tier not in SharingTier.values:
        raise ApplicationError(_("Unknown sharing tier."))
    if agreement is None:
        raise ApplicationError(
            _(
                "No data may be shared with %(cp)s without a cooperation agreement: cite the "
                "agreement that covers this share."
            )
            % {"cp": counterparty}
        )
    error = _coverage_error(
        agreement=agreement,
        counterparty=counterparty,
        level=data_level,
        tier=sharing_tier,
        on=planned_on,
    )
    if error:
        raise ApplicationError(_("Sharing refused: %(why)s") % {"why": error})
    if is_bulk_one_time and not record_count:
        raise ApplicationError(_("Give the number of records of a bulk one-time share."))
    S = SharingRegistration.State
    if sharing_tier == SharingTier.STRICTLY_RESTRICTED:
        state = S.AWAITING_AUTHORITY
    elif is_bulk_one_time:
        state = S.AWAITING_APPROVAL
    else:
        state = S.APPROVED
    registration = SharingRegistration(
        counterparty=counterparty,
        agreement=agreement,
        dataset=dataset.strip(),
        purpose=purpose.strip(),
        data_level=int(data_level),
        sharing_tier=sharing_tier,
        planned_on=planned_on,
        is_bulk_one_time=is_bulk_one_time,
        record_count=record_count,
        state=state,
        requested_by=actor,
        reference="pending",
    )
    with transaction.atomic(), acting_as(actor):
        registration.reference = _next_reference(SharingRegistration, "GX", planned_on.year)
        _full_clean(registration)
        if state == S.APPROVED:
            registration.approved_at = timezone.now()
        registration.save()
        if state == S.APPROVED:
            _log_share(registration)
    return registration


def _is_data_authority(user) -> bool:
    if user.department_id and user.department.kind == Department.Kind.DATA_AUTHORITY:
        return True
    return (
        ContactRoleAssignment.objects.current()
        .filter(role=ContactRole.DATA_AUTHORITY_CONTACT, holder=user)
        .exists()
    )


def _recheck(registration: SharingRegistration):
    # The agreement as it is now (it may have been suspended since the share was requested).
    registration.agreement.refresh_from_db()
    error = _coverage_error(
        agreement=registration.agreement,
        counterparty=registration.counterparty,
        level=registration.data_level,
        tier=registration.sharing_tier,
        on=max(registration.planned_on, today_local()),
    )
    if error:
        raise ApplicationError(_("Sharing refused: %(why)s") % {"why": error})


def sharing_registration_authority_approve(
    *, registration: SharingRegistration, actor, comment: str = ""
):
    """Case-by-case approval of strictly restricted data by the data-authority department."""
    policy.require(actor, "governance.sharing.authority_approve", registration)
    if registration.state != SharingRegistration.State.AWAITING_AUTHORITY:
        raise ApplicationError(
            _("This registration is not waiting for the data-authority department.")
        )
    if not _is_data_authority(actor):
        raise ApplicationError(
            _("Strictly restricted data needs approval by the data-authority department.")
        )
    if actor.pk == registration.requested_by_id:
        raise ApplicationError(_("Whoever requested a share cannot approve it."))
    _recheck(registration)
    with transaction.atomic(), acting_as(actor):
        registration.authority_approved_by = actor
        registration.authority_approved_at = timezone.now()
        registration.decision_comment = comment
        if registration.is_bulk_one_time:
            registration.state = SharingRegistration.State.AWAITING_APPROVAL
        else:
            registration.state = SharingRegistration.State.APPROVED
            registration.approved_by = actor
            registration.approved_at = timezone.now()
        registration.save()
        if registration.state == SharingRegistration.State.APPROVED:
            _log_share(registration)
    return registration


def sharing_registration_approve(*, registration: SharingRegistration, actor, comment: str = ""):
    """A compliance officer approves a flagged bulk one-time share."""
    policy.require(actor, "governance.sharing.approve", registration)
    if registration.state != SharingRegistration.State.AWAITING_APPROVAL:
        raise ApplicationError(_("This registration is not waiting for compliance approval."))
    if actor.pk == registration.requested_by_id:
        raise ApplicationError(_("Whoever requested a share cannot approve it."))
    _recheck(registration)
    with transaction.atomic(), acting_as(actor):
        registration.state = SharingRegistration.State.APPROVED
        registration.approved_by = actor
        registration.approved_at = timezone.now()
        if comment:
            registration.decision_comment = comment
        registration.save()
        _log_share(registration)
    return registration


def sharing_registration_refuse(*, registration: SharingRegistration, actor, reason: str):
    policy.require(actor, "governance.sharing.refuse", registration)
    S = SharingRegistration.State
    if registration.state not in (S.AWAITING_AUTHORITY, S.AWAITING_APPROVAL):
        raise ApplicationError(_("Only a registration waiting for approval can be refused."))
    if registration.state == S.AWAITING_AUTHORITY and not _is_data_authority(actor):
        raise ApplicationError(_("Only the data-authority department decides on this share."))
    if registration.state == S.AWAITING_APPROVAL:
        policy.require(actor, "governance.sharing.refuse_bulk", registration)
    if not reason.strip():
        raise ApplicationError(_("Say why the share is refused."))
    with transaction.atomic(), acting_as(actor):
        registration.state = S.REFUSED
        registration.decision_comment = reason
        registration.save()
    return registration


def _log_share(registration: SharingRegistration) -> SharingLogEntry:
    def name(user):
        return f"{user} ({user.username})" if user else ""

    return SharingLogEntry.objects.create(
        registration=registration,
        counterparty=registration.counterparty,
        counterparty_name=registration.counterparty.name,
        agreement_reference=registration.agreement.reference,
        dataset=registration.dataset,
        purpose=registration.purpose,
        data_level=registration.data_level,
        sharing_tier=registration.sharing_tier,
        is_bulk_one_time=registration.is_bulk_one_time,
        record_count=registration.record_count,
        planned_on=registration.planned_on,
        requested_by=name(registration.requested_by),
        approved_by=name(registration.approved_by),
        authority_approved_by=name(registration.authority_approved_by),
    )
