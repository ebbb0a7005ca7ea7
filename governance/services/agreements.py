"""Writes of the governance app. Keyword-only arguments, one transaction each, full validation; (agreements)."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from audit.context import acting_as
from core.errors import ApplicationError
from core.uploads import check_upload
from deadlines import services as deadline_services

from .. import work_clocks
from ..models import (
    AGREEMENT_DOCUMENT_KINDS,
    CooperationAgreement,
    Counterparty,
    today_local,
)
from .common import (
    AGREEMENT_EXPIRY_KIND,
    _full_clean,
    _next_reference,
    _sha256,
    local_datetime,
)

AGREEMENT_FIELDS = {
    "title",
    "counterparty",
    "scope",
    "firm_role",
    "counterparty_role",
    "data_categories",
    "systems",
    "permissions",
    "firm_responsibilities",
    "counterparty_responsibilities",
    "starts_on",
    "ends_on",
    "max_data_level",
    "max_sharing_tier",
    "area",
    "non_plaintext_only",
    "special_assessment",
    "special_assessment_on",
    "security_requirements",
    "signed_on",
    "owner",
    "parent",
}


def _validate_agreement(a: CooperationAgreement):
    PR = CooperationAgreement.PartyRole
    if a.starts_on and a.ends_on and a.ends_on < a.starts_on:
        raise ApplicationError(_("The term cannot end before it starts."))
    internal_cp = a.counterparty.kind == Counterparty.Kind.INTERNAL
    if a.scope == CooperationAgreement.Scope.INTERNAL and not internal_cp:
        raise ApplicationError(
            _("An internal agreement must be with an internal department of the firm.")
        )
    if a.scope == CooperationAgreement.Scope.EXTERNAL and internal_cp:
        raise ApplicationError(_("An external agreement cannot be with an internal department."))
    if PR.PROVIDER not in (a.firm_role, a.counterparty_role):
        raise ApplicationError(_("One of the two parties must be the data provider."))
    if a.firm_role == a.counterparty_role:
        raise ApplicationError(_("The two parties cannot have the same role."))
    if a.area == "uncontrolled":
        if not a.non_plaintext_only:
            raise ApplicationError(
                _("Sharing into an uncontrolled area is allowed only in non-plaintext form.")
            )
        if not a.special_assessment.strip() or not a.special_assessment_on:
            raise ApplicationError(
                _(
                    "Sharing into an uncontrolled area needs a recorded special security "
                    "assessment (conclusion and date)."
                )
            )
    parent = a.parent
    if parent is not None:
        if parent.pk == a.pk:
            raise ApplicationError(_("An agreement cannot amend itself."))
        if parent.counterparty_id != a.counterparty_id:
            raise ApplicationError(_("An amendment must be with the same counterparty."))
        if parent.approval_state != CooperationAgreement.Approval.APPROVED:
            raise ApplicationError(_("Only an approved agreement can be amended."))
        if parent.terminated_on:
            raise ApplicationError(_("A terminated agreement cannot be amended."))
    _full_clean(a, exclude=["reference"] if not a.reference else None)


def agreement_create(*, actor=None, reference: str = "", document=None, **fields):
    policy.require(actor, "governance.agreement.create")
    unknown = set(fields) - AGREEMENT_FIELDS
    if unknown:
        raise ApplicationError(_("Unknown fields: %s") % ", ".join(sorted(unknown)))
    fields.setdefault("owner", actor)
    agreement = CooperationAgreement(reference=reference.strip(), **fields)
    if agreement.owner_id is None:
        raise ApplicationError(_("An agreement needs an owner."))
    with transaction.atomic(), acting_as(actor):
        if not agreement.reference:
            agreement.reference = _next_reference(
                CooperationAgreement, "XY", agreement.starts_on.year
            )
        _validate_agreement(agreement)
        if document is not None:
            check_upload(document, kinds=AGREEMENT_DOCUMENT_KINDS)
            agreement.document_sha256 = _sha256(document)
            agreement.document.save(document.name, document, save=False)
        agreement.save()
    return agreement


def agreement_update(*, agreement: CooperationAgreement, actor=None, **fields):
    """Edit a draft (or returned) agreement; an approved one changes only through an amendment."""
    policy.require(actor, "governance.agreement.change", agreement)
    unknown = set(fields) - AGREEMENT_FIELDS
    if unknown:
        raise ApplicationError(_("Unknown fields: %s") % ", ".join(sorted(unknown)))
    if agreement.approval_state not in (
        CooperationAgreement.Approval.DRAFT,
        CooperationAgreement.Approval.REJECTED,
    ):
        raise ApplicationError(
            _("An agreement under review or approved cannot be edited; record an amendment.")
        )
    for key, value in fields.items():
        setattr(agreement, key, value)
    _validate_agreement(agreement)
    with transaction.atomic(), acting_as(actor):
        agreement.save()
    return agreement


def agreement_attach_document(*, agreement: CooperationAgreement, file, signed_on=None, actor=None):
    """Store the signed document and its SHA-256 (so a later copy can be checked against it)."""
    policy.require(actor, "governance.agreement.document", agreement)
    if agreement.terminated_on:
        raise ApplicationError(_("A terminated agreement cannot receive a new document."))
    if agreement.approval_state == CooperationAgreement.Approval.APPROVED and agreement.document:
        raise ApplicationError(
            _("The signed document of an approved agreement cannot be replaced.")
        )
    check_upload(file, kinds=AGREEMENT_DOCUMENT_KINDS)
    with transaction.atomic(), acting_as(actor):
        agreement.document_sha256 = _sha256(file)
        agreement.document.save(file.name, file, save=False)
        if signed_on:
            agreement.signed_on = signed_on
        agreement.save()
    return agreement


def agreement_submit(*, agreement: CooperationAgreement, actor=None):
    policy.require(actor, "governance.agreement.submit", agreement)
    if agreement.approval_state not in (
        CooperationAgreement.Approval.DRAFT,
        CooperationAgreement.Approval.REJECTED,
    ):
        raise ApplicationError(_("Only a draft agreement can be submitted for approval."))
    if not agreement.document:
        raise ApplicationError(_("Attach the signed agreement document before submitting."))
    _validate_agreement(agreement)
    with transaction.atomic(), acting_as(actor):
        agreement.approval_state = CooperationAgreement.Approval.SUBMITTED
        agreement.submitted_at = timezone.now()
        agreement.save()
        work_clocks.approval_opened(agreement=agreement, actor=actor)
    return agreement


def agreement_approve(*, agreement: CooperationAgreement, actor, comment: str = ""):
    """A compliance officer approves; the expiry deadline then runs on the engine. An approved
    amendment renews its parent: the parent's expiry reminders stop."""
    policy.require(actor, "governance.agreement.approve", agreement)
    if agreement.approval_state != CooperationAgreement.Approval.SUBMITTED:
        raise ApplicationError(_("Only an agreement submitted for approval can be approved."))
    if agreement.owner_id == actor.pk:
        raise ApplicationError(_("The owner of an agreement cannot approve it."))
    _validate_agreement(agreement)
    with transaction.atomic(), acting_as(actor):
        agreement.approval_state = CooperationAgreement.Approval.APPROVED
        agreement.approved_by = actor
        agreement.approved_at = timezone.now()
        agreement.review_comment = comment
        agreement.save()
        if agreement.ends_on >= today_local():
            deadline_services.deadline_create(
                subject=agreement,
                kind=AGREEMENT_EXPIRY_KIND,
                due_at=local_datetime(agreement.ends_on),
                owner=agreement.owner,
                title=_("Agreement %(ref)s expires on %(date)s")
                % {"ref": agreement.reference, "date": agreement.ends_on.isoformat()},
                url=agreement.get_absolute_url(),
                actor=actor,
            )
        parent = agreement.parent
        if parent is not None and agreement.ends_on > parent.ends_on:
            _close_expiry_deadlines(parent, actor=actor, met=True)
        work_clocks.approval_decided(agreement=agreement, actor=actor, approved=True)
    return agreement


def agreement_return(*, agreement: CooperationAgreement, actor, comment: str):
    policy.require(actor, "governance.agreement.return", agreement)
    if agreement.approval_state != CooperationAgreement.Approval.SUBMITTED:
        raise ApplicationError(_("Only an agreement submitted for approval can be returned."))
    if not comment.strip():
        raise ApplicationError(_("Say what has to change."))
    with transaction.atomic(), acting_as(actor):
        agreement.approval_state = CooperationAgreement.Approval.REJECTED
        agreement.review_comment = comment
        agreement.save()
        work_clocks.approval_decided(agreement=agreement, actor=actor, approved=False)
    return agreement


def agreement_terminate(
    *, agreement: CooperationAgreement, actor, reason: str, on: datetime.date | None = None
):
    policy.require(actor, "governance.agreement.terminate", agreement)
    if agreement.terminated_on:
        raise ApplicationError(_("This agreement is already terminated."))
    if not reason.strip():
        raise ApplicationError(_("Say why the agreement is terminated."))
    with transaction.atomic(), acting_as(actor):
        agreement.terminated_on = on or today_local()
        agreement.termination_reason = reason
        agreement.save()
        _close_expiry_deadlines(agreement, actor=actor, met=False, reason=reason)
    return agreement


def agreement_suspend(*, agreement: CooperationAgreement, actor, reason: str):
    """Stop new sharing under an agreement until the partner's remedy is verified (the
    standard §5); registrations are refused with the reason while it is suspended."""
    policy.require(actor, "governance.agreement.suspend", agreement)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Say why the agreement is suspended."))
    with transaction.atomic(), acting_as(actor):
        agreement = CooperationAgreement.objects.select_for_update().get(pk=agreement.pk)
        if agreement.terminated_on:
            raise ApplicationError(_("A terminated agreement cannot be suspended."))
        if agreement.suspended_at:
            raise ApplicationError(_("This agreement is already suspended."))
        agreement.suspended_at = timezone.now()
        agreement.suspended_by = policy.person(actor)
        agreement.suspension_reason = reason
        agreement.resumed_at = None
        agreement.resume_note = ""
        agreement.save()
    return agreement


def agreement_resume(*, agreement: CooperationAgreement, actor, note: str):
    """The remedy is verified: sharing under the agreement may start again."""
    policy.require(actor, "governance.agreement.resume", agreement)
    note = (note or "").strip()
    if not note:
        raise ApplicationError(_("Say how the remedy was verified."))
    with transaction.atomic(), acting_as(actor):
        agreement = CooperationAgreement.objects.select_for_update().get(pk=agreement.pk)
        if not agreement.suspended_at:
            raise ApplicationError(_("This agreement is not suspended."))
        agreement.suspended_at = None
        agreement.suspended_by = None
        agreement.resumed_at = timezone.now()
        agreement.resume_note = note
        agreement.save()
    return agreement


def _close_expiry_deadlines(agreement, *, actor, met: bool, reason: str = ""):
    from deadlines.models import Deadline

    for d in deadline_services.deadlines_for(agreement, kind=AGREEMENT_EXPIRY_KIND).filter(
        state__in=Deadline.ACTIVE_STATES
    ):
        if met:
            deadline_services.deadline_meet(deadline=d, actor=actor)
        else:
            deadline_services.deadline_cancel(deadline=d, reason=reason, actor=actor)
