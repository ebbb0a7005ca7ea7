"""Writes. Keyword-only arguments, one transaction each, full validation; expected failures (common)."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from core.errors import ApplicationError

from .. import fields as editable
from ..models import (
    AffectedSystem,
    Incident,
    ReferenceCounter,
    ResponsePlan,
    TimelineEntry,
)

S = Incident.Status


# Guarded lifecycle: the only moves a case can make (reporting and rectification run beside it).
TRANSITIONS = {
    S.NEW: {S.GRADED},
    S.GRADED: {S.HANDLING},
    S.HANDLING: {S.RESOLVED},
    S.RESOLVED: {S.SUMMARISED},
    S.SUMMARISED: {S.CLOSED},
    S.CLOSED: set(),
}


DEFAULT_EVIDENCE_MAX_BYTES = 20 * 1024 * 1024


DEFAULT_EVIDENCE_EXTENSIONS = (
    "pdf png jpg jpeg gif txt log csv json xml eml msg zip 7z gz pcap pcapng "
    "doc docx xls xlsx ppt pptx"
).split()


FACT_FIELDS = editable.INCIDENT_FACTS


EDITABLE_FIELDS = editable.INCIDENT


def _lock(incident) -> Incident:
    return Incident.objects.select_for_update().get(pk=incident.pk)


def _timeline(incident, actor, kind, text, at=None):
    return TimelineEntry.objects.create(
        incident=incident,
        actor=policy.person(actor),
        kind=kind,
        text=text,
        at=at or timezone.now(),
    )


def _check_assignee(assignee):
    """The one rule for who may be given a case or a task on it (pages, API, intake)."""
    if assignee is not None and not policy.allows(assignee, "incidents.case.be_assigned"):
        raise ApplicationError(
            _("Only incident handlers and compliance officers can be given incident work.")
        )


def _check_transition(incident, to):
    if to not in TRANSITIONS[incident.status]:
        raise ApplicationError(
            _("An incident that is “%(current)s” cannot move to “%(target)s”.")
            % {"current": incident.get_status_display(), "target": S(to).label}
        )


def _next_number(year: int) -> int:
    """Lock the year's counter row (created on first use) and take the next number. The row
    stays locked until the creating transaction ends, so concurrent creations queue up and a
    rolled-back creation gives its number back: numbers are unique and gap-free."""
    ReferenceCounter.objects.bulk_create([ReferenceCounter(year=year)], ignore_conflicts=True)
    counter = ReferenceCounter.objects.select_for_update().get(year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _validate_times(*, occurred_at, discovered_at, contained_at=None, resolved_at=None):
    now = timezone.now() + timedelta(minutes=5)  # tolerate clock skew
    if discovered_at is None:
        raise ApplicationError(_("Enter when the incident was discovered."))
    if discovered_at > now:
        raise ApplicationError(_("The discovery time cannot be in the future."))
    if occurred_at and occurred_at > discovered_at:
        raise ApplicationError(_("An incident cannot occur after it was discovered."))
    if contained_at and contained_at < (occurred_at or discovered_at) - timedelta(days=36500):
        raise ApplicationError(_("The containment time is not plausible."))
    if resolved_at and resolved_at < discovered_at:
        raise ApplicationError(_("An incident cannot be resolved before it was discovered."))


def _validate_partner(*, source, counterparty, agreement, counterparty_name):
    if agreement is not None:
        if counterparty is None:
            raise ApplicationError(_("Choose the counterparty of the cooperation agreement."))
        if agreement.counterparty_id != counterparty.pk:
            raise ApplicationError(_("The cooperation agreement belongs to another counterparty."))
    if source == Incident.Source.PARTNER and counterparty is None and not counterparty_name:
        raise ApplicationError(_("A partner incident needs the partner (counterparty)."))


def _partner_agreement(counterparty):
    """The agreement a partner incident belongs to: the counterparty's agreement in force
    (latest start), else its latest approved one not terminated; None when it has none."""
    from governance.models import CooperationAgreement

    agreements = CooperationAgreement.objects.filter(counterparty=counterparty)
    return (
        agreements.in_force().order_by("-starts_on", "-pk").first()
        or agreements.filter(
            approval_state=CooperationAgreement.Approval.APPROVED, terminated_on__isnull=True
        )
        .order_by("-starts_on", "-pk")
        .first()
    )


def _validate_facts(values: dict):
    for name in ("persons_leaked", "records_leaked", "economic_loss"):
        v = values.get(name)
        if v is not None and v < 0:
            raise ApplicationError(_("Counts and amounts cannot be negative."))
    if values.get("data_level") not in (None, 1, 2, 3, 4):
        raise ApplicationError(_("The data level must be between 1 and 4."))
    if values.get("pfi_class") not in (None, 1, 2, 3):
        raise ApplicationError(_("The personal financial information class must be C1, C2 or C3."))


def _replace_systems(incident, systems):
    incident.affected_systems.all().delete()
    rows = []
    for s in systems:
        name = (s.get("name") or "").strip()
        if not name:
            raise ApplicationError(_("Every affected system needs a name."))
        if s.get("category") not in dict(AffectedSystem._meta.get_field("category").choices or ()):
            raise ApplicationError(_("Choose a category for every affected system."))
        for key in ("outage_minutes", "main_function_outage_minutes"):
            if (s.get(key) or 0) < 0:
                raise ApplicationError(_("Outage durations cannot be negative."))
        rows.append(
            AffectedSystem(
                incident=incident,
                name=name,
                category=s["category"],
                is_cii=bool(s.get("is_cii")),
                outage_minutes=s.get("outage_minutes") or 0,
                main_function_outage_minutes=s.get("main_function_outage_minutes") or 0,
                system_class=s.get("system_class") or None,
                abnormality_percent=s.get("abnormality_percent"),
                abnormality_minutes=s.get("abnormality_minutes"),
            )
        )
    AffectedSystem.objects.bulk_create(rows)


def select_response_plan(*, category: str, grade: str):
    """The most specific active plan: category+grade, then category, then grade, then generic."""
    plans = [
        p
        for p in ResponsePlan.objects.filter(is_active=True)
        if p.category in ("", category) and p.grade in ("", grade or "")
    ]
    if not plans:
        return None
    plans.sort(key=lambda p: (bool(p.category), bool(p.grade), p.pk), reverse=True)
    return plans[0]
