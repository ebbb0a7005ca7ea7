"""Writes of the governance app. Keyword-only arguments, one transaction each, full validation;
expected failures raise ApplicationError with a message a user can read."""

import datetime
import hashlib

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from accounts.models import Department
from accounts.roles import Role
from audit.context import acting_as
from core.errors import ApplicationError
from core.uploads import check_upload
from deadlines import services as deadline_services
from notifications.services import notify

from . import obligations as obligation_rules
from .models import (
    AGREEMENT_DOCUMENT_KINDS,
    EVIDENCE_FILE_KINDS,
    MEETING_ATTACHMENT_KINDS,
    ActionItem,
    ContactRole,
    ContactRoleAssignment,
    CooperationAgreement,
    Counterparty,
    CounterpartyContact,
    Frequency,
    Meeting,
    MeetingAttachment,
    MeetingAttendee,
    MeetingDecision,
    MeetingSchedule,
    Obligation,
    ObligationEvidence,
    ObligationPeriod,
    SharingLogEntry,
    SharingRegistration,
    SharingTier,
    today_local,
)

AGREEMENT_EXPIRY_KIND = "governance.agreement.expiry"
ACTION_ITEM_KIND = "governance.meeting.action"
# Reminders and escalations are read on the morning of the day that counts.
DUE_HOUR = 9


def _full_clean(instance, exclude=None):
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        messages = []
        for field, errors in exc.message_dict.items():
            label = str(instance._meta.get_field(field).verbose_name) if field != "__all__" else ""
            messages.extend(f"{label}: {e}" if label else e for e in errors)
        raise ApplicationError("；".join(messages) if messages else _("Invalid data."))


def _require_writer(actor):
    from accounts.policy import can_write

    if actor is not None and not can_write(actor):
        raise ApplicationError(_("You may read these records but not change them."))


def _require_officer(actor, what):
    if actor is None or not (actor.has_role(Role.COMPLIANCE_OFFICER) or actor.is_superuser):
        raise ApplicationError(_("Only a compliance officer may %(what)s.") % {"what": what})


def _sha256(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def local_datetime(day: datetime.date, hour: int = DUE_HOUR, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _next_reference(model, prefix: str, year: int) -> str:
    stem = f"{prefix}-{year}-"
    taken = model.objects.filter(reference__startswith=stem).count()
    n = taken + 1
    while model.objects.filter(reference=f"{stem}{n:04d}").exists():
        n += 1
    return f"{stem}{n:04d}"


# --- counterparties ---------------------------------------------------------------------------


def _validate_counterparty(cp: Counterparty):
    cp.credit_code = (cp.credit_code or "").strip().upper()
    if cp.kind == Counterparty.Kind.INTERNAL:
        if cp.department_id is None:
            raise ApplicationError(_("An internal counterparty must name its department."))
    else:
        if not cp.credit_code:
            raise ApplicationError(
                _("An outside institution needs its unified social credit code.")
            )
        if cp.department_id is not None:
            raise ApplicationError(_("Only an internal counterparty belongs to a department."))
    _full_clean(cp)


def counterparty_create(
    *,
    kind: str,
    name: str,
    credit_code: str = "",
    department: Department | None = None,
    short_name: str = "",
    address: str = "",
    notes: str = "",
    actor=None,
) -> Counterparty:
    _require_writer(actor)
    cp = Counterparty(
        kind=kind,
        name=name.strip(),
        credit_code=credit_code,
        department=department,
        short_name=short_name,
        address=address,
        notes=notes,
    )
    _validate_counterparty(cp)
    with transaction.atomic(), acting_as(actor):
        cp.save()
    return cp


def counterparty_update(*, counterparty: Counterparty, actor=None, **fields) -> Counterparty:
    _require_writer(actor)
    allowed = {"kind", "name", "credit_code", "department", "short_name", "address", "notes"}
    allowed |= {"is_active"}
    unknown = set(fields) - allowed
    if unknown:
        raise ApplicationError(_("These fields cannot be changed here: %s") % ", ".join(unknown))
    for key, value in fields.items():
        setattr(counterparty, key, value)
    _validate_counterparty(counterparty)
    with transaction.atomic(), acting_as(actor):
        counterparty.save()
    return counterparty


def counterparty_contact_add(
    *,
    counterparty: Counterparty,
    name: str,
    title: str = "",
    phone: str = "",
    email: str = "",
    is_security_contact: bool = False,
    actor=None,
) -> CounterpartyContact:
    _require_writer(actor)
    if not (phone or email):
        raise ApplicationError(_("A contact needs a phone number or an e-mail address."))
    contact = CounterpartyContact(
        counterparty=counterparty,
        name=name,
        title=title,
        phone=phone,
        email=email,
        is_security_contact=is_security_contact,
    )
    _full_clean(contact)
    with transaction.atomic(), acting_as(actor):
        contact.save()
    return contact


# --- cooperation agreements -------------------------------------------------------------------

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
    if a.parent_id:
        parent = a.parent
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
    _require_writer(actor)
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
    _require_writer(actor)
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
    _require_writer(actor)
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
    _require_writer(actor)
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
    return agreement


def agreement_approve(*, agreement: CooperationAgreement, actor, comment: str = ""):
    """A compliance officer approves; the expiry deadline then runs on the engine. An approved
    amendment renews its parent: the parent's expiry reminders stop."""
    _require_officer(actor, _("approve an agreement"))
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
        if agreement.parent_id and agreement.ends_on > agreement.parent.ends_on:
            _close_expiry_deadlines(agreement.parent, actor=actor, met=True)
    return agreement


def agreement_return(*, agreement: CooperationAgreement, actor, comment: str):
    _require_officer(actor, _("return an agreement"))
    if agreement.approval_state != CooperationAgreement.Approval.SUBMITTED:
        raise ApplicationError(_("Only an agreement submitted for approval can be returned."))
    if not comment.strip():
        raise ApplicationError(_("Say what has to change."))
    with transaction.atomic(), acting_as(actor):
        agreement.approval_state = CooperationAgreement.Approval.REJECTED
        agreement.review_comment = comment
        agreement.save()
    return agreement


def agreement_terminate(
    *, agreement: CooperationAgreement, actor, reason: str, on: datetime.date | None = None
):
    _require_officer(actor, _("terminate an agreement"))
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


def _close_expiry_deadlines(agreement, *, actor, met: bool, reason: str = ""):
    from deadlines.models import Deadline

    for d in deadline_services.deadlines_for(agreement, kind=AGREEMENT_EXPIRY_KIND).filter(
        state__in=Deadline.ACTIVE_STATES
    ):
        if met:
            deadline_services.deadline_meet(deadline=d, actor=actor)
        else:
            deadline_services.deadline_cancel(deadline=d, reason=reason, actor=actor)


# --- sharing registrations --------------------------------------------------------------------


def _coverage_error(*, agreement, counterparty, level, tier, on) -> str | None:
    if agreement.counterparty_id != counterparty.pk:
        return _("Agreement %(ref)s is not with %(cp)s.") % {
            "ref": agreement.reference,
            "cp": counterparty,
        }
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
    _require_writer(actor)
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
    _require_writer(actor)
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
    _require_officer(actor, _("approve a bulk share"))
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
    _require_writer(actor)
    S = SharingRegistration.State
    if registration.state not in (S.AWAITING_AUTHORITY, S.AWAITING_APPROVAL):
        raise ApplicationError(_("Only a registration waiting for approval can be refused."))
    if registration.state == S.AWAITING_AUTHORITY and not _is_data_authority(actor):
        raise ApplicationError(_("Only the data-authority department decides on this share."))
    if registration.state == S.AWAITING_APPROVAL:
        _require_officer(actor, _("refuse a bulk share"))
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


# --- contact roles ----------------------------------------------------------------------------

# Department contacts are held for a department of the matching kind.
DEPARTMENT_KIND_FOR_ROLE = {
    ContactRole.DATA_SOURCE_CONTACT: Department.Kind.DATA_SOURCE,
    ContactRole.DATA_USING_CONTACT: Department.Kind.DATA_USING,
    ContactRole.DATA_AUTHORITY_CONTACT: Department.Kind.DATA_AUTHORITY,
}
FIRM_LEVEL_ROLES = {
    ContactRole.DATA_CONTROLLER,
    ContactRole.INCIDENT_LEAD,
    ContactRole.DEPUTY_INCIDENT_LEAD,
    ContactRole.REGULATOR_LIAISON,
    ContactRole.COMPLIANCE_HEAD,
}


def _validate_assignment(a: ContactRoleAssignment):
    if a.deputy_id and a.deputy_id == a.holder_id:
        raise ApplicationError(_("The deputy must be someone other than the holder."))
    if a.role == ContactRole.PARTNER_SECURITY_CONTACT and not a.agreement_id:
        raise ApplicationError(_("A partner's security contact is held for an agreement."))
    wanted_kind = DEPARTMENT_KIND_FOR_ROLE.get(a.role)
    if wanted_kind:
        if not a.department_id:
            raise ApplicationError(_("This contact role is held for a department."))
        if a.department.kind != wanted_kind:
            raise ApplicationError(
                _("%(role)s must be held for a department of that kind (%(kind)s).")
                % {"role": a.get_role_display(), "kind": Department.Kind(wanted_kind).label}
            )
    if a.role in FIRM_LEVEL_ROLES and a.agreement_id:
        raise ApplicationError(_("This contact role is held for the firm or a department."))
    _full_clean(a)
    clash = ContactRoleAssignment.objects.filter(
        role=a.role, department=a.department, agreement=a.agreement
    ).exclude(pk=a.pk)
    if a.valid_until:
        clash = clash.filter(valid_from__lte=a.valid_until)
    clash = clash.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=a.valid_from))
    other = clash.select_related("holder").first()
    if other:
        raise ApplicationError(
            _(
                "%(holder)s already holds this role for the same scope from %(start)s; end that "
                "assignment first."
            )
            % {"holder": other.holder, "start": other.valid_from.isoformat()}
        )


def contact_role_assign(
    *,
    role: str,
    holder,
    valid_from: datetime.date,
    valid_until: datetime.date | None = None,
    deputy=None,
    department: Department | None = None,
    agreement: CooperationAgreement | None = None,
    notes: str = "",
    actor=None,
) -> ContactRoleAssignment:
    _require_writer(actor)
    assignment = ContactRoleAssignment(
        role=role,
        holder=holder,
        deputy=deputy,
        department=department,
        agreement=agreement,
        valid_from=valid_from,
        valid_until=valid_until,
        notes=notes,
    )
    with transaction.atomic(), acting_as(actor):
        _validate_assignment(assignment)
        assignment.save()
    return assignment


def contact_role_update(*, assignment: ContactRoleAssignment, actor=None, **fields):
    _require_writer(actor)
    allowed = {"holder", "deputy", "valid_from", "valid_until", "notes"}
    unknown = set(fields) - allowed
    if unknown:
        raise ApplicationError(_("These fields cannot be changed here: %s") % ", ".join(unknown))
    for key, value in fields.items():
        setattr(assignment, key, value)
    with transaction.atomic(), acting_as(actor):
        _validate_assignment(assignment)
        assignment.save()
    return assignment


def contact_role_end(*, assignment: ContactRoleAssignment, valid_until: datetime.date, actor=None):
    return contact_role_update(assignment=assignment, valid_until=valid_until, actor=actor)


# --- meetings ---------------------------------------------------------------------------------

# What survives in minutes: formatting, lists, tables, links. Scripts, styles and event handlers go.
MINUTES_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "ul", "ol", "li", "h2", "h3", "h4",
    "blockquote", "table", "thead", "tbody", "tr", "th", "td", "a", "span", "div", "hr",
}  # fmt: skip


def sanitise_minutes(html: str) -> str:
    return nh3.clean(
        html or "",
        tags=MINUTES_TAGS,
        attributes={"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan"}},
        url_schemes={"http", "https", "mailto"},
    )


def _occurrence_day(schedule: MeetingSchedule, period_start: datetime.date) -> datetime.date:
    month_index = period_start.month - 1 + schedule.month_in_period - 1
    year = period_start.year + month_index // 12
    return datetime.date(year, month_index % 12 + 1, schedule.day_of_month)


def generation_horizon(today: datetime.date) -> datetime.date:
    """Occurrences exist for the current year; from 1 December, for the next year too, so
    invitations and plans for January are ready in time."""
    year = today.year + 1 if today.month == 12 else today.year
    return datetime.date(year, 12, 31)


def meeting_occurrences_generate(*, today: datetime.date | None = None) -> int:
    """Create the missing occurrences of every active schedule up to the horizon. Idempotent:
    one occurrence per schedule and period (a unique constraint holds the line)."""
    today = today or today_local()
    horizon = generation_horizon(today)
    created = 0
    schedules = MeetingSchedule.objects.filter(is_active=True).prefetch_related("default_attendees")
    for schedule in schedules:
        if schedule.frequency == Frequency.QUARTERLY and schedule.month_in_period > 3:
            continue  # invalid for a quarter; the admin form refuses it
        first = datetime.date(today.year, 1, 1)
        existing = set(
            Meeting.objects.filter(schedule=schedule).values_list("period_key", flat=True)
        )
        attendees = list(schedule.default_attendees.all())
        for start, _end, label in obligation_rules.periods_between(
            schedule.frequency, first, horizon
        ):
            if label in existing:
                continue
            day = _occurrence_day(schedule, start)
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        meeting = Meeting.objects.create(
                            schedule=schedule,
                            period_key=label,
                            kind=schedule.kind,
                            title=f"{schedule.title}（{label}）",
                            scheduled_at=timezone.make_aware(
                                datetime.datetime.combine(day, schedule.start_time)
                            ),
                            duration_minutes=schedule.duration_minutes,
                            location=schedule.location,
                            organiser=schedule.organiser,
                            agenda=schedule.agenda_template,
                        )
                except IntegrityError:
                    continue  # another run created it meanwhile
                MeetingAttendee.objects.bulk_create(
                    [MeetingAttendee(meeting=meeting, user=u) for u in attendees]
                )
                created += 1
    return created


def meeting_create(
    *,
    kind: str,
    title: str,
    scheduled_at: datetime.datetime,
    organiser,
    attendees=(),
    agenda: str = "",
    location: str = "",
    duration_minutes: int = 90,
    actor=None,
) -> Meeting:
    _require_writer(actor)
    meeting = Meeting(
        kind=kind,
        title=title,
        scheduled_at=scheduled_at,
        organiser=organiser,
        agenda=agenda,
        location=location,
        duration_minutes=duration_minutes,
    )
    _full_clean(meeting)
    with transaction.atomic(), acting_as(actor):
        meeting.save()
        MeetingAttendee.objects.bulk_create(
            [MeetingAttendee(meeting=meeting, user=u) for u in set(attendees)]
        )
    return meeting


def _require_unlocked(meeting: Meeting):
    if meeting.minutes_locked:
        raise ApplicationError(_("The minutes of this meeting are approved and locked."))


def meeting_update(*, meeting: Meeting, actor=None, **fields) -> Meeting:
    _require_writer(actor)
    _require_unlocked(meeting)
    allowed = {"title", "scheduled_at", "agenda", "location", "duration_minutes"}
    unknown = set(fields) - allowed
    if unknown:
        raise ApplicationError(_("These fields cannot be changed here: %s") % ", ".join(unknown))
    rescheduled = "scheduled_at" in fields and fields["scheduled_at"] != meeting.scheduled_at
    for key, value in fields.items():
        setattr(meeting, key, value)
    _full_clean(meeting)
    with transaction.atomic(), acting_as(actor):
        if rescheduled and meeting.invitations_sent_at:
            meeting.invitations_sent_at = None  # the old invitation is stale; send it again
        meeting.save()
    return meeting


def meeting_set_attendees(*, meeting: Meeting, users, actor=None) -> Meeting:
    _require_writer(actor)
    _require_unlocked(meeting)
    wanted = {u.pk: u for u in users}
    with transaction.atomic(), acting_as(actor):
        meeting.attendees.exclude(user_id__in=wanted).delete()
        have = set(meeting.attendees.values_list("user_id", flat=True))
        MeetingAttendee.objects.bulk_create(
            [MeetingAttendee(meeting=meeting, user=u) for pk, u in wanted.items() if pk not in have]
        )
    return meeting


def meeting_ics(meeting: Meeting, *, method: str = "REQUEST") -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//incident-response//governance//CN")
    cal.add("version", "2.0")
    cal.add("method", method)
    event = Event()
    event.add(
        "uid", f"governance-meeting-{meeting.pk}@{settings.DEFAULT_FROM_EMAIL.split('@')[-1]}"
    )
    event.add("sequence", meeting.ics_sequence)
    event.add("summary", meeting.title)
    event.add("dtstart", meeting.scheduled_at)
    event.add("dtend", meeting.scheduled_at + datetime.timedelta(minutes=meeting.duration_minutes))
    event.add("dtstamp", timezone.now())
    if meeting.location:
        event.add("location", meeting.location)
    if meeting.agenda:
        event.add("description", meeting.agenda)
    organiser = vCalAddress(f"mailto:{meeting.organiser.email or settings.DEFAULT_FROM_EMAIL}")
    organiser.params["cn"] = vText(str(meeting.organiser))
    event["organizer"] = organiser
    for attendee in meeting.attendees.select_related("user"):
        if not attendee.user.email:
            continue
        address = vCalAddress(f"mailto:{attendee.user.email}")
        address.params["cn"] = vText(str(attendee.user))
        address.params["role"] = vText("REQ-PARTICIPANT")
        address.params["rsvp"] = vText("TRUE")
        event.add("attendee", address, encode=0)
    cal.add_component(event)
    return cal.to_ical()


def meeting_send_invitations(*, meeting: Meeting, actor=None) -> int:
    """E-mail every attendee an ICS invitation (a new sequence number each time, so calendars
    update the event instead of adding a second one)."""
    _require_writer(actor)
    if meeting.state != Meeting.State.PLANNED:
        raise ApplicationError(_("Invitations go out only for a planned meeting."))
    recipients = [a.user.email for a in meeting.attendees.select_related("user") if a.user.email]
    if not recipients:
        raise ApplicationError(_("No attendee has an e-mail address."))
    with transaction.atomic(), acting_as(actor):
        meeting.ics_sequence += 1
        meeting.invitations_sent_at = timezone.now()
        meeting.save(update_fields=["ics_sequence", "invitations_sent_at", "updated_at"])
        local = timezone.localtime(meeting.scheduled_at)
        body = _(
            "You are invited to %(title)s on %(when)s at %(where)s.\n\nAgenda:\n%(agenda)s"
        ) % {
            "title": meeting.title,
            "when": f"{local:%Y-%m-%d %H:%M}",
            "where": meeting.location or "-",
            "agenda": meeting.agenda or "-",
        }
        message = EmailMessage(
            subject=_("Invitation: %(title)s") % {"title": meeting.title},
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=recipients,
        )
        message.attach("invite.ics", meeting_ics(meeting), "text/calendar; method=REQUEST")
        ics = message
        transaction.on_commit(lambda: ics.send(fail_silently=False))
    return len(recipients)


def meeting_record_held(
    *, meeting: Meeting, present, held_at: datetime.datetime | None = None, actor=None
) -> Meeting:
    """Mark the meeting held and who was present; everyone else invited was absent."""
    _require_writer(actor)
    _require_unlocked(meeting)
    if meeting.state == Meeting.State.CANCELLED:
        raise ApplicationError(_("A cancelled meeting cannot be recorded as held."))
    held_at = held_at or meeting.scheduled_at
    if held_at > timezone.now():
        raise ApplicationError(_("A meeting cannot be recorded as held in the future."))
    present_ids = {u.pk for u in present}
    if not present_ids:
        raise ApplicationError(_("Record who was present."))
    with transaction.atomic(), acting_as(actor):
        have = set(meeting.attendees.values_list("user_id", flat=True))
        MeetingAttendee.objects.bulk_create(
            [MeetingAttendee(meeting=meeting, user_id=pk) for pk in present_ids - have]
        )
        A = MeetingAttendee.Attendance
        meeting.attendees.filter(user_id__in=present_ids).update(attendance=A.PRESENT)
        meeting.attendees.exclude(user_id__in=present_ids).update(attendance=A.ABSENT)
        meeting.state = Meeting.State.HELD
        meeting.held_at = held_at
        meeting.save()
        _reevaluate_for_day(timezone.localdate(held_at))
    return meeting


def meeting_cancel(*, meeting: Meeting, actor=None) -> Meeting:
    _require_writer(actor)
    if meeting.state != Meeting.State.PLANNED:
        raise ApplicationError(_("Only a planned meeting can be cancelled."))
    with transaction.atomic(), acting_as(actor):
        meeting.state = Meeting.State.CANCELLED
        meeting.save()
    return meeting


def meeting_minutes_save(*, meeting: Meeting, minutes: str, actor=None) -> Meeting:
    _require_writer(actor)
    _require_unlocked(meeting)
    with transaction.atomic(), acting_as(actor):
        meeting.minutes = sanitise_minutes(minutes)
        meeting.save()
    return meeting


def meeting_decision_add(*, meeting: Meeting, text: str, actor=None) -> MeetingDecision:
    _require_writer(actor)
    _require_unlocked(meeting)
    if not text.strip():
        raise ApplicationError(_("A decision needs its text."))
    with transaction.atomic(), acting_as(actor):
        position = meeting.decisions.count() + 1
        return MeetingDecision.objects.create(meeting=meeting, text=text.strip(), position=position)


def meeting_attachment_add(*, meeting: Meeting, file, actor) -> MeetingAttachment:
    _require_writer(actor)
    _require_unlocked(meeting)
    check_upload(file, kinds=MEETING_ATTACHMENT_KINDS)
    with transaction.atomic(), acting_as(actor):
        attachment = MeetingAttachment(
            meeting=meeting, name=file.name, sha256=_sha256(file), uploaded_by=actor
        )
        attachment.file.save(file.name, file, save=False)
        attachment.save()
    return attachment


def meeting_minutes_approve(*, meeting: Meeting, actor) -> Meeting:
    """A compliance officer approves the minutes; from then on they and the record are locked."""
    _require_officer(actor, _("approve minutes"))
    _require_unlocked(meeting)
    if meeting.state != Meeting.State.HELD:
        raise ApplicationError(_("Only the minutes of a held meeting can be approved."))
    if not nh3.clean(meeting.minutes, tags=set()).strip():
        raise ApplicationError(_("Write the minutes before approving them."))
    with transaction.atomic(), acting_as(actor):
        meeting.minutes_approved_by = actor
        meeting.minutes_approved_at = timezone.now()
        meeting.save()
    return meeting


def action_item_add(
    *, meeting: Meeting, title: str, owner, due_on: datetime.date, actor=None
) -> ActionItem:
    """An action item with its deadline on the engine (reminders to the owner, then their
    manager once overdue)."""
    _require_writer(actor)
    _require_unlocked(meeting)
    if due_on < today_local():
        raise ApplicationError(_("An action item cannot be due in the past."))
    item = ActionItem(meeting=meeting, title=title.strip(), owner=owner, due_on=due_on)
    _full_clean(item)
    with transaction.atomic(), acting_as(actor):
        item.save()
        deadline_services.deadline_create(
            subject=item,
            kind=ACTION_ITEM_KIND,
            due_at=local_datetime(due_on, 18),
            owner=owner,
            title=_("Action from %(meeting)s: %(title)s")
            % {"meeting": meeting.title, "title": item.title},
            url=meeting.get_absolute_url(),
            actor=actor,
        )
    return item


def action_item_complete(*, item: ActionItem, actor=None) -> ActionItem:
    _require_writer(actor)
    if item.done_at:
        raise ApplicationError(_("This action item is already done."))
    from deadlines.models import Deadline

    with transaction.atomic(), acting_as(actor):
        item.done_at = timezone.now()
        item.save()
        for d in deadline_services.deadlines_for(item, kind=ACTION_ITEM_KIND).filter(
            state__in=Deadline.ACTIVE_STATES
        ):
            deadline_services.deadline_meet(deadline=d, actor=actor)
    return item


# --- obligations ------------------------------------------------------------------------------


def obligation_periods_ensure(*, today: datetime.date | None = None) -> int:
    """Create every period of every active obligation up to the one containing today."""
    today = today or today_local()
    created = 0
    for obligation in Obligation.objects.filter(is_active=True):
        have = set(obligation.periods.values_list("starts_on", flat=True))
        rows = [
            ObligationPeriod(obligation=obligation, label=label, starts_on=start, ends_on=end)
            for start, end, label in obligation_rules.periods_between(
                obligation.frequency, obligation.tracked_from, today
            )
            if start not in have
        ]
        ObligationPeriod.objects.bulk_create(rows, ignore_conflicts=True)
        created += len(rows)
    return created


def _evidence_for(period: ObligationPeriod):
    """The earliest evidence dated inside the period, from the rule or attached by hand."""
    found = []
    rule = obligation_rules.evidence_rule(period.obligation.evidence_rule)
    if rule is not None:
        found.extend(rule(period.starts_on, period.ends_on))
    for ev in period.manual_evidence.all():
        if period.starts_on <= ev.evidence_on <= period.ends_on:
            url = ev.url or (ev.file.url if ev.file else "")
            found.append(
                obligation_rules.Evidence(label=ev.description, url=url, on=ev.evidence_on)
            )
    return min(found, key=lambda e: e.on) if found else None


def compliance_head_recipients(at: datetime.datetime | None = None) -> list:
    """Whoever holds the compliance-head role now (or their deputy); if the role is vacant
    with no deputy, every compliance officer, so a missed obligation is never told to nobody."""
    from django.contrib.auth import get_user_model

    from .resolvers import holders_of

    users = holders_of(ContactRole.COMPLIANCE_HEAD, at or timezone.now())
    if users:
        return users
    return list(
        get_user_model().objects.filter(groups__name=Role.COMPLIANCE_OFFICER, is_active=True)
    )


def _evaluate(period: ObligationPeriod, today: datetime.date, now) -> str:
    evidence = _evidence_for(period)
    S = ObligationPeriod.State
    if evidence:
        state = S.MET
        period.met_at = local_datetime(evidence.on, 0)
        period.evidence_label = evidence.label[:200]
        period.evidence_url = evidence.url[:300]
    else:
        state = S.MISSED if period.ends_on < today else S.DUE
        period.met_at = None
        period.evidence_label = ""
        period.evidence_url = ""
    period.state = state
    period.evaluated_at = now
    period.save(update_fields=["state", "met_at", "evidence_label", "evidence_url", "evaluated_at"])
    if state == S.MISSED and period.missed_notified_at is None:
        from django.urls import reverse

        obligation = period.obligation
        notify(
            recipients=compliance_head_recipients(now),
            subject=_("Obligation missed: %(title)s (%(period)s)")
            % {"title": obligation.title, "period": period.label},
            body=_(
                "The period %(period)s of “%(title)s” ended on %(end)s without evidence that it "
                "was met. Record what happened and attach evidence or a remediation plan."
            )
            % {"period": period.label, "title": obligation.title, "end": period.ends_on},
            url=reverse("governance:dashboard") + f"?year={period.starts_on.year}",
            dedupe_key=f"governance:obligation-missed:{period.pk}",
        )
        period.missed_notified_at = now
        period.save(update_fields=["missed_notified_at"])
    return state


def obligations_evaluate(*, today: datetime.date | None = None) -> dict:
    """Create periods up to today, then (re)evaluate every period that is not met. A missed
    period turns met if in-period evidence is recorded late; the compliance head is told of
    each newly missed one once."""
    today = today or today_local()
    now = timezone.now()
    counts = {"created": 0, "met": 0, "due": 0, "missed": 0}
    with transaction.atomic():
        counts["created"] = obligation_periods_ensure(today=today)
        periods = (
            ObligationPeriod.objects.filter(obligation__is_active=True, starts_on__lte=today)
            .exclude(state=ObligationPeriod.State.MET)
            .select_related("obligation")
            .prefetch_related("manual_evidence")
            .select_for_update(of=("self",))
        )
        for period in periods:
            counts[_evaluate(period, today, now)] += 1
    return counts


def _reevaluate_for_day(day: datetime.date):
    """Evidence dated `day` appeared: re-evaluate the periods containing it right away."""
    today, now = today_local(), timezone.now()
    for period in (
        ObligationPeriod.objects.filter(starts_on__lte=day, ends_on__gte=day)
        .exclude(state=ObligationPeriod.State.MET)
        .select_related("obligation")
        .prefetch_related("manual_evidence")
    ):
        _evaluate(period, today, now)


def obligation_evidence_attach(
    *,
    period: ObligationPeriod,
    description: str,
    evidence_on: datetime.date,
    url: str = "",
    file=None,
    actor,
) -> ObligationEvidence:
    """An officer attaches evidence by hand (e.g. a drill report before drills are tracked)."""
    _require_officer(actor, _("attach evidence"))
    if not description.strip():
        raise ApplicationError(_("Describe the evidence."))
    if not (url or file):
        raise ApplicationError(_("Attach a file or give a link to the evidence."))
    if not (period.starts_on <= evidence_on <= period.ends_on):
        raise ApplicationError(
            _("The evidence is dated %(on)s, outside the period %(start)s – %(end)s.")
            % {"on": evidence_on, "start": period.starts_on, "end": period.ends_on}
        )
    if evidence_on > today_local():
        raise ApplicationError(_("Evidence cannot be dated in the future."))
    if file is not None:
        check_upload(file, kinds=EVIDENCE_FILE_KINDS)
    with transaction.atomic(), acting_as(actor):
        evidence = ObligationEvidence(
            period=period,
            description=description.strip(),
            evidence_on=evidence_on,
            url=url,
            attached_by=actor,
        )
        if file is not None:
            evidence.sha256 = _sha256(file)
            evidence.file.save(file.name, file, save=False)
        evidence.save()
        _evaluate(
            ObligationPeriod.objects.select_related("obligation").get(pk=period.pk),
            today_local(),
            timezone.now(),
        )
    period.refresh_from_db()
    return evidence
