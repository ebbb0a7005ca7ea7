"""Writes. Keyword-only arguments, one transaction each, full validation; expected failures
raise core.errors.ApplicationError with a message a user can read.

Locking policy: every service that changes a case's state locks the incident row first
(`_lock`), so two handlers acting at once serialise; reference numbers lock the per-year
`ReferenceCounter` row (see `_next_number`).
"""

import hashlib
from datetime import timedelta
from pathlib import PurePath

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from core.uploads import check_upload

from . import deadline_links, grading
from .closing import close_blocking_reasons
from .models import (
    EVIDENCE_KINDS,
    AffectedSystem,
    Comment,
    Concern,
    CustodyEntry,
    Evidence,
    Grade,
    GradeDecision,
    GradingCriterion,
    Incident,
    IncidentTask,
    RectificationItem,
    ReferenceCounter,
    ResponsePlan,
    TimelineEntry,
)
from .signals import incident_graded, incident_resolved

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

FACT_FIELDS = (
    "persons_leaked",
    "records_leaked",
    "data_level",
    "pfi_class",
    "economic_loss",
    "cii_involved",
)
EDITABLE_FIELDS = (
    "title",
    "description",
    "category",
    "occurred_at",
    "discovered_at",
    "contained_at",
    "assignee",
    "team",
    "counterparty",
    "agreement",
    "counterparty_name",
    *FACT_FIELDS,
)


def _lock(incident) -> Incident:
    return Incident.objects.select_for_update().get(pk=incident.pk)


def _timeline(incident, actor, kind, text, at=None):
    return TimelineEntry.objects.create(
        incident=incident, actor=actor, kind=kind, text=text, at=at or timezone.now()
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
        if s.get("category") not in dict(AffectedSystem._meta.get_field("category").choices):
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


# --- incidents ----------------------------------------------------------------------------------


@transaction.atomic
def incident_create(
    *,
    title: str,
    category: str,
    source: str,
    discovered_at,
    actor=None,
    description: str = "",
    occurred_at=None,
    contained_at=None,
    assignee=None,
    team=None,
    counterparty=None,
    agreement=None,
    counterparty_name: str = "",
    affected_systems=(),
    **facts,
) -> Incident:
    title = (title or "").strip()
    if not title:
        raise ApplicationError(_("Enter a title."))
    if category not in Incident.Category.values:
        raise ApplicationError(_("Choose a valid incident category."))
    if source not in Incident.Source.values:
        raise ApplicationError(_("Choose a valid source."))
    unknown = set(facts) - set(FACT_FIELDS)
    if unknown:
        raise TypeError(f"unexpected arguments: {sorted(unknown)}")
    _validate_times(occurred_at=occurred_at, discovered_at=discovered_at, contained_at=contained_at)
    _validate_partner(
        source=source,
        counterparty=counterparty,
        agreement=agreement,
        counterparty_name=counterparty_name,
    )
    _validate_facts(facts)
    if team is None:
        team = getattr(assignee, "department", None) or getattr(actor, "department", None)

    year = timezone.localdate().year
    number = _next_number(year)
    incident = Incident.objects.create(
        reference=f"SJAQ-{year}-{number:04d}",
        year=year,
        number=number,
        title=title,
        description=description,
        category=category,
        source=source,
        is_drill=source == Incident.Source.DRILL,
        discovered_at=discovered_at,
        occurred_at=occurred_at,
        contained_at=contained_at,
        assignee=assignee,
        team=team,
        counterparty=counterparty,
        agreement=agreement,
        counterparty_name=counterparty_name,
        created_by=actor,
        **facts,
    )
    _replace_systems(incident, affected_systems)
    _timeline(
        incident,
        actor,
        TimelineEntry.Kind.CREATED,
        _("Case %(ref)s opened (source: %(source)s).")
        % {"ref": incident.reference, "source": incident.get_source_display()},
    )
    if incident.is_partner_incident:
        _open_partner_investigation(incident, actor)
    return incident


def _open_partner_investigation(incident, actor):
    """The standard: investigate at once when a partner has an incident with our data."""
    plan = select_response_plan(category=incident.category, grade="")
    hours = plan.partner_followup_hours if plan else 24
    now = timezone.now()
    partner = str(incident.counterparty or incident.counterparty_name)
    IncidentTask.objects.create(
        incident=incident,
        title=_("Investigate and assess the partner incident (%(partner)s)") % {"partner": partner},
        description=_(
            "Establish which data we provided is involved, assess the impact and press the "
            "partner to remedy."
        ),
        kind=IncidentTask.Kind.INVESTIGATION,
        assignee=incident.assignee,
        due_at=now + timedelta(hours=hours),
    )
    deadline_links.partner_followup_open(incident=incident, hours=hours, actor=actor)
    _timeline(
        incident,
        actor,
        TimelineEntry.Kind.TASK,
        _("Partner incident: investigation task and follow-up deadline opened."),
    )


@transaction.atomic
def incident_update(*, incident, actor, affected_systems=None, **changes) -> Incident:
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unexpected arguments: {sorted(unknown)}")
    incident = _lock(incident)
    if incident.status == S.CLOSED:
        raise ApplicationError(_("A closed incident cannot be edited."))
    if "title" in changes and not (changes["title"] or "").strip():
        raise ApplicationError(_("Enter a title."))
    if "category" in changes and changes["category"] not in Incident.Category.values:
        raise ApplicationError(_("Choose a valid incident category."))
    for key, value in changes.items():
        setattr(incident, key, value)
    _validate_times(
        occurred_at=incident.occurred_at,
        discovered_at=incident.discovered_at,
        contained_at=incident.contained_at,
        resolved_at=incident.resolved_at,
    )
    _validate_partner(
        source=incident.source,
        counterparty=incident.counterparty,
        agreement=incident.agreement,
        counterparty_name=incident.counterparty_name,
    )
    _validate_facts({k: getattr(incident, k) for k in FACT_FIELDS})
    incident.save()
    if affected_systems is not None:
        _replace_systems(incident, affected_systems)
    if incident.grade and (affected_systems is not None or any(k in FACT_FIELDS for k in changes)):
        proposal = grading.propose(incident=incident)
        if proposal.grade != incident.grade:
            _timeline(
                incident,
                actor,
                TimelineEntry.Kind.NOTE,
                _("Facts changed: the criteria now propose grade %(proposed)s (current %(grade)s).")
                % {"proposed": proposal.grade, "grade": incident.grade},
            )
    if "discovered_at" in changes and incident.grade and incident.response_plan_id:
        deadline_links.handling_target_schedule(
            incident=incident,
            plan=incident.response_plan,
            actor=actor,
            reason=_("discovery time corrected"),
        )
    return incident


@transaction.atomic
def incident_grade(
    *, incident, actor, grade: str | None = None, reason: str = "", qualitative_ids=None
) -> GradeDecision:
    """Confirm the proposed grade or override it (reason required); regrading keeps history,
    re-plans tasks, moves grade-dependent deadlines and sends `incident_graded`."""
    incident = _lock(incident)
    if incident.status == S.CLOSED:
        raise ApplicationError(_("A closed incident cannot be regraded."))
    reason = (reason or "").strip()
    if qualitative_ids is not None:
        valid = GradingCriterion.objects.filter(
            pk__in=list(qualitative_ids),
            fact=GradingCriterion.Fact.QUALITATIVE,
            criterion_set__state="active",
        )
        if len(valid) != len(set(qualitative_ids)):
            raise ApplicationError(_("Tick only qualitative criteria of the active set."))
        incident.qualitative_criteria.set(valid)
    proposal = grading.propose(incident=incident)
    grade = grade or proposal.grade
    if grade not in Grade.values:
        raise ApplicationError(_("Choose a valid grade."))
    old_grade = incident.grade
    if old_grade and old_grade == grade:
        raise ApplicationError(_("The incident is already graded %(grade)s.") % {"grade": grade})
    overridden = grade != proposal.grade
    if overridden and not reason:
        raise ApplicationError(
            _("Overriding the proposed grade %(proposed)s requires a reason.")
            % {"proposed": proposal.grade}
        )
    if old_grade and not reason:
        raise ApplicationError(_("Regrading requires a reason."))

    decision = GradeDecision.objects.create(
        incident=incident,
        criterion_set=proposal.criterion_set,
        old_grade=old_grade,
        proposed_grade=proposal.grade,
        grade=grade,
        overridden=overridden,
        reason=reason,
        matched=[c.snapshot() for c in proposal.matched],
        facts=proposal.facts,
        decided_by=actor,
    )
    incident.grade = grade
    if incident.status == S.NEW:
        incident.status = S.GRADED
    plan = select_response_plan(category=incident.category, grade=grade)
    incident.response_plan = plan
    incident.save(update_fields=["grade", "status", "response_plan", "updated_at"])
    if plan:
        _apply_plan(incident, plan)
        deadline_links.handling_target_schedule(
            incident=incident,
            plan=plan,
            actor=actor,
            reason=_("graded %(old)s → %(new)s") % {"old": old_grade or "—", "new": grade},
        )
    if old_grade:
        text = _("Regraded %(old)s → %(new)s: %(reason)s") % {
            "old": old_grade,
            "new": grade,
            "reason": reason,
        }
    else:
        text = _("Graded %(grade)s (proposed %(proposed)s).") % {
            "grade": grade,
            "proposed": proposal.grade,
        }
        if reason:
            text += " " + reason
    _timeline(incident, actor, TimelineEntry.Kind.GRADED, text)
    incident_graded.send(
        sender=Incident,
        incident=incident,
        old_grade=old_grade,
        new_grade=grade,
        actor=actor,
        reason=reason,
    )
    return decision


def _apply_plan(incident, plan):
    have = set(incident.tasks.exclude(plan_step=None).values_list("plan_step_id", flat=True))
    base = incident.discovered_at
    start = incident.tasks.count()
    rows = [
        IncidentTask(
            incident=incident,
            title=step.title,
            description=step.description,
            kind=IncidentTask.Kind.PLAN,
            plan_step=step,
            assignee=incident.assignee,
            due_at=base + timedelta(hours=step.due_offset_hours)
            if step.due_offset_hours is not None
            else None,
            order=start + i,
        )
        for i, step in enumerate(plan.steps.all())
        if step.pk not in have
    ]
    IncidentTask.objects.bulk_create(rows)


@transaction.atomic
def incident_start_handling(*, incident, actor) -> Incident:
    incident = _lock(incident)
    _check_transition(incident, S.HANDLING)
    incident.status = S.HANDLING
    incident.save(update_fields=["status", "updated_at"])
    _timeline(incident, actor, TimelineEntry.Kind.STATUS, _("Handling started."))
    return incident


@transaction.atomic
def incident_resolve(*, incident, actor, resolved_at=None, contained_at=None) -> Incident:
    incident = _lock(incident)
    _check_transition(incident, S.RESOLVED)
    resolved_at = resolved_at or timezone.now()
    if resolved_at > timezone.now() + timedelta(minutes=5):
        raise ApplicationError(_("The resolution time cannot be in the future."))
    incident.contained_at = contained_at or incident.contained_at or resolved_at
    if incident.contained_at > resolved_at:
        raise ApplicationError(_("An incident cannot be contained after it was resolved."))
    _validate_times(
        occurred_at=incident.occurred_at,
        discovered_at=incident.discovered_at,
        resolved_at=resolved_at,
    )
    incident.resolved_at = resolved_at
    incident.status = S.RESOLVED
    incident.save(update_fields=["status", "resolved_at", "contained_at", "updated_at"])
    deadline_links.handling_target_meet(incident=incident, actor=actor, met_at=resolved_at)
    _timeline(incident, actor, TimelineEntry.Kind.STATUS, _("Resolved."))
    incident_resolved.send(sender=Incident, incident=incident, actor=actor)
    return incident


@transaction.atomic
def incident_summarise(*, incident, actor, summary: str) -> Incident:
    incident = _lock(incident)
    _check_transition(incident, S.SUMMARISED)
    summary = (summary or "").strip()
    if not summary:
        raise ApplicationError(
            _("Write the summary: facts, handling, cause, grade, responsibility and remediation.")
        )
    incident.summary = summary
    incident.status = S.SUMMARISED
    incident.save(update_fields=["status", "summary", "updated_at"])
    _timeline(incident, actor, TimelineEntry.Kind.STATUS, _("Summary written."))
    return incident


def close_refusals(incident) -> list[str]:
    reasons = []
    open_items = incident.rectifications.filter(state__in=RectificationItem.OPEN_STATES).count()
    if open_items:
        reasons.append(
            _("%(n)d rectification item(s) are still open or awaiting verification.")
            % {"n": open_items}
        )
    reasons.extend(close_blocking_reasons(incident))
    return reasons


@transaction.atomic
def incident_close(*, incident, actor) -> Incident:
    incident = _lock(incident)
    _check_transition(incident, S.CLOSED)
    reasons = close_refusals(incident)
    if reasons:
        raise ApplicationError(
            _("The incident cannot be closed yet: %(reasons)s") % {"reasons": " ".join(reasons)},
            extra={"reasons": reasons},
        )
    incident.status = S.CLOSED
    incident.closed_at = timezone.now()
    incident.save(update_fields=["status", "closed_at", "updated_at"])
    _timeline(incident, actor, TimelineEntry.Kind.STATUS, _("Closed."))
    return incident


# --- working the case ---------------------------------------------------------------------------


@transaction.atomic
def timeline_add(*, incident, actor, text: str, kind: str = TimelineEntry.Kind.NOTE, at=None):
    text = (text or "").strip()
    if not text:
        raise ApplicationError(_("Enter the timeline text."))
    if kind not in TimelineEntry.Kind.values:
        raise ApplicationError(_("Choose a valid entry kind."))
    if at and at > timezone.now() + timedelta(minutes=5):
        raise ApplicationError(_("A timeline entry cannot be in the future."))
    return _timeline(incident, actor, kind, text, at)


@transaction.atomic
def task_create(
    *, incident, actor, title: str, description: str = "", assignee=None, due_at=None
) -> IncidentTask:
    title = (title or "").strip()
    if not title:
        raise ApplicationError(_("Enter a task title."))
    if incident.status == S.CLOSED:
        raise ApplicationError(_("A closed incident cannot get new tasks."))
    task = IncidentTask.objects.create(
        incident=incident,
        title=title,
        description=description,
        assignee=assignee,
        due_at=due_at,
        order=incident.tasks.count(),
    )
    _timeline(incident, actor, TimelineEntry.Kind.TASK, _("Task added: %(t)s") % {"t": title})
    return task


@transaction.atomic
def task_update(*, task, actor, **changes) -> IncidentTask:
    allowed = {"title", "description", "assignee", "due_at"}
    if set(changes) - allowed:
        raise TypeError(f"unexpected arguments: {sorted(set(changes) - allowed)}")
    if "title" in changes and not (changes["title"] or "").strip():
        raise ApplicationError(_("Enter a task title."))
    for key, value in changes.items():
        setattr(task, key, value)
    task.save()
    return task


@transaction.atomic
def task_set_state(*, task, actor, state: str) -> IncidentTask:
    if state not in IncidentTask.State.values:
        raise ApplicationError(_("Choose a valid task state."))
    task = IncidentTask.objects.select_for_update().get(pk=task.pk)
    if task.state == state:
        return task
    task.state = state
    if state == IncidentTask.State.DONE:
        task.completed_at, task.completed_by = timezone.now(), actor
    else:
        task.completed_at, task.completed_by = None, None
    task.save()
    if state == IncidentTask.State.DONE and task.kind == IncidentTask.Kind.INVESTIGATION:
        deadline_links.partner_followup_meet(incident=task.incident, actor=actor)
    _timeline(
        task.incident,
        actor,
        TimelineEntry.Kind.TASK,
        _("Task “%(t)s”: %(s)s") % {"t": task.title, "s": task.get_state_display()},
    )
    return task


@transaction.atomic
def comment_add(*, incident, actor, body: str) -> Comment:
    body = (body or "").strip()
    if not body:
        raise ApplicationError(_("Enter a comment."))
    return Comment.objects.create(incident=incident, author=actor, body=body)


# --- evidence -----------------------------------------------------------------------------------


class EvidenceTampered(ApplicationError):
    """The stored file no longer matches the hash taken on upload."""


def evidence_limits():
    return (
        getattr(settings, "INCIDENTS_EVIDENCE_MAX_BYTES", DEFAULT_EVIDENCE_MAX_BYTES),
        getattr(settings, "INCIDENTS_EVIDENCE_EXTENSIONS", DEFAULT_EVIDENCE_EXTENSIONS),
    )


def _sha256_of(fileobj) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: fileobj.read(1024 * 1024), b""):
        digest.update(chunk)
    return digest.hexdigest()


@transaction.atomic
def evidence_add(
    *, file, actor, incident=None, rectification_item=None, description: str = ""
) -> Evidence:
    if (incident is None) == (rectification_item is None):
        raise ApplicationError(_("Evidence belongs to one incident or one rectification item."))
    max_bytes, extensions = evidence_limits()
    name = PurePath(file.name or "").name
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in extensions:
        raise ApplicationError(
            _("Files of type “.%(ext)s” are not accepted. Allowed: %(allowed)s.")
            % {"ext": ext, "allowed": ", ".join(extensions)}
        )
    if file.size == 0:
        raise ApplicationError(_("The file is empty."))
    if file.size > max_bytes:
        raise ApplicationError(
            _("The file is too large (%(size)d MB); the limit is %(limit)d MB.")
            % {"size": -(-file.size // (1024 * 1024)), "limit": max_bytes // (1024 * 1024)}
        )
    # Type by content: a program renamed report.pdf, or a name claiming another type, is refused.
    check_upload(file, kinds=EVIDENCE_KINDS, max_bytes=max_bytes)
    file.seek(0)
    sha256 = _sha256_of(file)
    file.seek(0)
    evidence = Evidence(
        incident=incident,
        rectification_item=rectification_item,
        original_name=name[:255],
        content_type=(getattr(file, "content_type", "") or "")[:100],
        size=file.size,
        sha256=sha256,
        description=description,
        uploaded_by=actor,
        last_verified_at=timezone.now(),
    )
    evidence.file.save(name, file, save=False)
    evidence.save()
    CustodyEntry.objects.create(
        evidence=evidence, actor=actor, action=CustodyEntry.Action.UPLOADED, sha256=sha256
    )
    case = incident or rectification_item.incident
    if case is not None:
        _timeline(
            case,
            actor,
            TimelineEntry.Kind.EVIDENCE,
            _("Evidence uploaded: %(name)s (SHA-256 %(hash)s…)")
            % {"name": name, "hash": sha256[:12]},
        )
    return evidence


def evidence_open(*, evidence, actor):
    """Verify the stored file against its upload hash and return it opened for reading.
    A mismatch (or a missing file) is recorded — integrity flag, custody entry, timeline and
    audit trail — committed, and then refused with EvidenceTampered."""
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, OSError):
        handle = None
    observed = ""
    if handle is not None:
        observed = _sha256_of(handle)
        handle.seek(0)
    if handle is not None and observed == evidence.sha256:
        with transaction.atomic():
            Evidence.objects.filter(pk=evidence.pk).update(last_verified_at=timezone.now())
            CustodyEntry.objects.create(
                evidence=evidence,
                actor=actor,
                action=CustodyEntry.Action.DOWNLOADED,
                sha256=observed,
            )
        return handle
    if handle is not None:
        handle.close()
    integrity = Evidence.Integrity.TAMPERED if observed else Evidence.Integrity.MISSING
    with transaction.atomic():
        ev = Evidence.objects.select_for_update().get(pk=evidence.pk)
        ev.integrity = integrity
        ev.last_verified_at = timezone.now()
        ev.save(update_fields=["integrity", "last_verified_at"])  # audited (auditlog)
        CustodyEntry.objects.create(
            evidence=ev,
            actor=actor,
            action=CustodyEntry.Action.TAMPER_DETECTED,
            sha256=observed,
            note=_("Expected %(expected)s, found %(found)s.")
            % {"expected": ev.sha256, "found": observed or _("no file")},
        )
        case = ev.incident or (ev.rectification_item and ev.rectification_item.incident)
        if case is not None:
            _timeline(
                case,
                actor,
                TimelineEntry.Kind.EVIDENCE,
                _("Integrity check failed for %(name)s: download refused.")
                % {"name": ev.original_name},
            )
    evidence.integrity = integrity
    raise EvidenceTampered(
        _(
            "Evidence “%(name)s” has been altered or removed since upload (SHA-256 mismatch). "
            "The download was refused and the event recorded."
        )
        % {"name": evidence.original_name}
    )


@transaction.atomic
def custody_add(*, evidence, actor, note: str, action: str = CustodyEntry.Action.TRANSFERRED):
    note = (note or "").strip()
    if not note:
        raise ApplicationError(_("Describe the hand-over (to whom, why)."))
    if action not in (CustodyEntry.Action.TRANSFERRED, CustodyEntry.Action.NOTE):
        raise ApplicationError(_("Choose a valid custody action."))
    return CustodyEntry.objects.create(evidence=evidence, actor=actor, action=action, note=note)


# --- rectification ------------------------------------------------------------------------------


@transaction.atomic
def rectification_create(
    *, title: str, owner, due_at, actor, incident=None, origin=None, description: str = ""
) -> RectificationItem:
    title = (title or "").strip()
    if not title:
        raise ApplicationError(_("Enter what must be rectified."))
    if owner is None:
        raise ApplicationError(_("Choose the owner of the rectification item."))
    if due_at is None:
        raise ApplicationError(_("Enter the rectification deadline."))
    if incident is None and origin is None:
        raise ApplicationError(_("A rectification item belongs to an incident or a finding."))
    if incident is not None and incident.status == S.CLOSED:
        raise ApplicationError(_("A closed incident cannot get new rectification items."))
    item = RectificationItem.objects.create(
        incident=incident,
        origin_type=ContentType.objects.get_for_model(origin) if origin is not None else None,
        origin_id=origin.pk if origin is not None else None,
        title=title,
        description=description,
        owner=owner,
        due_at=due_at,
        created_by=actor,
    )
    deadline_links.rectification_open(item=item, actor=actor)
    if incident is not None:
        _timeline(
            incident,
            actor,
            TimelineEntry.Kind.RECTIFICATION,
            _("Rectification item opened: %(t)s (owner %(o)s)") % {"t": title, "o": owner},
        )
    return item


@transaction.atomic
def rectification_complete(*, item, actor, note: str) -> RectificationItem:
    item = RectificationItem.objects.select_for_update().get(pk=item.pk)
    if item.state != RectificationItem.State.OPEN:
        raise ApplicationError(_("Only an open rectification item can be marked done."))
    note = (note or "").strip()
    if not note:
        raise ApplicationError(_("Describe what was done."))
    item.state = RectificationItem.State.DONE
    item.completion_note = note
    item.completed_at = timezone.now()
    item.save()
    return item


@transaction.atomic
def rectification_verify(*, item, actor, note: str = "", accept: bool = True):
    """A second person (neither the owner nor whoever created it) verifies the work."""
    item = RectificationItem.objects.select_for_update().get(pk=item.pk)
    if item.state != RectificationItem.State.DONE:
        raise ApplicationError(_("Only an item marked done can be verified."))
    if actor is None or actor.pk == item.owner_id:
        raise ApplicationError(
            _("Verification needs a second person: the owner cannot verify their own item.")
        )
    note = (note or "").strip()
    if accept:
        item.state = RectificationItem.State.VERIFIED
        item.verified_by = actor
        item.verified_at = timezone.now()
        item.verification_note = note
        deadline_links.rectification_meet(item=item, actor=actor, met_at=item.completed_at)
    else:
        if not note:
            raise ApplicationError(_("Say why the rectification is not accepted."))
        item.state = RectificationItem.State.OPEN
        item.verification_note = note
        item.completed_at = None
    item.save()
    if item.incident_id:
        _timeline(
            item.incident,
            actor,
            TimelineEntry.Kind.RECTIFICATION,
            (_("Rectification verified: %(t)s") if accept else _("Rectification sent back: %(t)s"))
            % {"t": item.title},
        )
    return item


# --- staff concerns -----------------------------------------------------------------------------


@transaction.atomic
def concern_submit(*, reporter, summary: str, details: str = "", observed_at=None) -> Concern:
    summary = (summary or "").strip()
    if not summary:
        raise ApplicationError(_("Say briefly what you noticed."))
    if observed_at and observed_at > timezone.now() + timedelta(minutes=5):
        raise ApplicationError(_("The time you noticed it cannot be in the future."))
    return Concern.objects.create(
        reporter=reporter, summary=summary, details=details, observed_at=observed_at
    )


def _lock_concern(concern):
    concern = Concern.objects.select_for_update().get(pk=concern.pk)
    if concern.state != Concern.State.SUBMITTED:
        raise ApplicationError(_("This concern has already been triaged."))
    return concern


@transaction.atomic
def concern_promote(
    *, concern, actor, category: str, title: str = "", assignee=None, outcome: str = ""
) -> Incident:
    concern = _lock_concern(concern)
    incident = incident_create(
        title=title or concern.summary,
        description=concern.details,
        category=category,
        source=Incident.Source.STAFF_REPORT,
        discovered_at=concern.created_at,
        occurred_at=concern.observed_at
        if concern.observed_at and concern.observed_at <= concern.created_at
        else None,
        assignee=assignee or actor,
        actor=actor,
    )
    concern.state = Concern.State.PROMOTED
    concern.incident = incident
    concern.triaged_by, concern.triaged_at = actor, timezone.now()
    concern.outcome = (outcome or "").strip() or _(
        "Thank you. Your report was opened as incident %(ref)s and is being handled."
    ) % {"ref": incident.reference}
    concern.save()
    return incident


@transaction.atomic
def concern_close(*, concern, actor, reason: str) -> Concern:
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reporter a reason for closing the concern."))
    concern = _lock_concern(concern)
    concern.state = Concern.State.CLOSED
    concern.triaged_by, concern.triaged_at = actor, timezone.now()
    concern.outcome = reason
    concern.save()
    return concern
