"""Writes for training. Keyword-only arguments, one transaction each, full validation; expected (drills)."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from core.errors import ApplicationError
from incidents.models import Grade, IncidentCategory

from .. import obligations, reminders
from ..models import (
    Drill,
    DrillFinding,
    DrillObjective,
)


def _drill_for_update(drill: Drill) -> Drill:
    return Drill.objects.select_for_update().get(pk=drill.pk)


@transaction.atomic
def drill_plan(
    *,
    year: int,
    title: str,
    scenario: str,
    drill_type: str,
    incident_category: str,
    incident_grade: str,
    scheduled_at,
    coordinator,
    objectives: list[tuple[str, str]],
    participants: Iterable = (),
    observers: Iterable = (),
    plan_version=None,
    actor=None,
) -> Drill:
    """Plan a drill: scenario, type, the incident it simulates, objectives with success
    criteria, people; the scheduled date goes on the deadline engine for the coordinator."""
    policy.require(actor, "training.drill.plan")
    if not (title or "").strip() or not (scenario or "").strip():
        raise ApplicationError(_("Give the drill a title and a scenario."))
    if drill_type not in Drill.Type.values:
        raise ApplicationError(_("Choose the type of drill."))
    if incident_category not in IncidentCategory.values:
        raise ApplicationError(_("Choose the incident category the drill simulates."))
    if incident_grade not in Grade.values:
        raise ApplicationError(_("Choose the incident grade the drill simulates."))
    if scheduled_at is None or timezone.localtime(scheduled_at).year != int(year):
        raise ApplicationError(_("The drill must be scheduled within its year."))
    if coordinator is None:
        raise ApplicationError(_("Choose the coordinator of the drill."))
    objectives = [(d.strip(), c.strip()) for d, c in objectives if d and d.strip()]
    if not objectives:
        raise ApplicationError(_("State at least one objective."))
    if any(not c for _d, c in objectives):
        raise ApplicationError(_("Every objective needs its success criteria."))
    participants, observers = list(participants), list(observers)
    if not participants:
        raise ApplicationError(_("Name the participants."))
    if plan_version is not None and plan_version.state != "in_force":
        raise ApplicationError(_("A drill exercises the emergency plan version in force."))
    overlap = {u.pk for u in participants} & {u.pk for u in observers}
    if overlap:
        raise ApplicationError(_("An observer cannot also be a participant."))
    drill = Drill.objects.create(
        year=year,
        title=title.strip(),
        scenario=scenario.strip(),
        drill_type=drill_type,
        incident_category=incident_category,
        incident_grade=incident_grade,
        scheduled_at=scheduled_at,
        coordinator=coordinator,
        plan_version=plan_version,
        created_by=policy.person(actor),
    )
    drill.participants.set(participants)
    drill.observers.set(observers)
    DrillObjective.objects.bulk_create(
        [
            DrillObjective(drill=drill, description=d, success_criteria=c, position=i)
            for i, (d, c) in enumerate(objectives)
        ]
    )
    reminders.drill_planned(drill=drill, actor=actor)
    return drill


@transaction.atomic
def drill_reschedule(*, drill: Drill, scheduled_at, reason: str, actor=None) -> Drill:
    policy.require(actor, "training.drill.reschedule", drill)
    drill = _drill_for_update(drill)
    if drill.status != Drill.Status.PLANNED:
        raise ApplicationError(_("Only a planned drill can be rescheduled."))
    if not (reason or "").strip():
        raise ApplicationError(_("Say why the drill moves."))
    drill.scheduled_at = scheduled_at
    drill.save(update_fields=["scheduled_at", "updated_at"])
    reminders.drill_rescheduled(drill=drill, reason=reason, actor=actor)
    return drill


@transaction.atomic
def drill_start(*, drill: Drill, actor=None) -> Drill:
    """Run the drill: open a drill-flagged incident (source "drill") so the team works the real
    flow — grading, tasks, reports up to approval — while real statistics and regulatory
    submissions leave it out."""
    from incidents import services as incident_services
    from incidents.models import Incident

    policy.require(actor, "training.drill.start", drill)
    drill = _drill_for_update(drill)
    if drill.status != Drill.Status.PLANNED:
        raise ApplicationError(_("This drill has already started or is closed."))
    now = timezone.now()
    incident = incident_services.incident_create(
        title=_("[Drill] %(title)s") % {"title": drill.title},
        category=drill.incident_category,
        source=Incident.Source.DRILL,
        discovered_at=now,
        description=drill.scenario,
        assignee=drill.coordinator,
        actor=actor,
    )
    drill.incident = incident
    drill.status = Drill.Status.IN_PROGRESS
    drill.started_at = now
    drill.save(update_fields=["incident", "status", "started_at", "updated_at"])
    reminders.drill_started(drill=drill)
    return drill


@transaction.atomic
def drill_assess_objective(
    *, objective: DrillObjective, result: str, notes: str = "", actor=None
) -> DrillObjective:
    policy.require(actor, "training.drill.assess", objective and objective.drill)
    objective = (
        DrillObjective.objects.select_for_update().select_related("drill").get(pk=objective.pk)
    )
    if objective.drill.status != Drill.Status.IN_PROGRESS:
        raise ApplicationError(_("Objectives are assessed while the drill is running."))
    if result not in DrillObjective.Result.values or result == DrillObjective.Result.NOT_ASSESSED:
        raise ApplicationError(_("Choose met, partially met or not met."))
    if result != DrillObjective.Result.MET and not (notes or "").strip():
        raise ApplicationError(_("Note what fell short of the success criteria."))
    objective.result = result
    objective.result_notes = (notes or "").strip()
    objective.assessed_by = actor
    objective.assessed_at = timezone.now()
    objective.save()
    return objective


@transaction.atomic
def drill_add_finding(
    *,
    drill: Drill,
    description: str,
    owner,
    due_at,
    objective: DrillObjective | None = None,
    plan_change: str = "",
    actor,
) -> DrillFinding:
    """Record a finding; it becomes a rectification item on the drill's incident (owner,
    deadline on the engine, evidence, verification — as for a real incident)."""
    from incidents import services as incident_services

    policy.require(actor, "training.drill.finding_add", drill)
    drill = _drill_for_update(drill)
    if drill.status not in (Drill.Status.IN_PROGRESS, Drill.Status.COMPLETED):
        raise ApplicationError(_("Findings are recorded once the drill has started."))
    if not (description or "").strip():
        raise ApplicationError(_("Describe the finding."))
    if objective is not None and objective.drill_id != drill.pk:
        raise ApplicationError(_("That objective belongs to another drill."))
    finding = DrillFinding.objects.create(
        drill=drill, objective=objective, description=description.strip(), recorded_by=actor
    )
    first_line = description.strip().splitlines()[0][:150]
    item = incident_services.rectification_create(
        title=_("Drill finding: %(f)s") % {"f": first_line},
        description=description.strip(),
        owner=owner,
        due_at=due_at,
        actor=actor,
        incident=drill.incident if drill.incident and drill.incident.status != "closed" else None,
        origin=finding,
    )
    finding.rectification = item
    plan_change = (plan_change or "").strip()
    if plan_change:
        # The finding proposes a change to the plan the drill exercised: it will be listed in
        # the change list of that plan's next version.
        version = drill.plan_version
        if version is None:
            raise ApplicationError(
                _("This drill exercised no emergency plan; a plan change cannot be proposed.")
            )
        finding.plan_change = incident_services.plan_change_propose(
            actor=policy.SYSTEM,
            plan=version.plan,
            description=plan_change,
            origin="drill",
            origin_label=_("Drill %(d)s (plan v%(v)s)")
            % {"d": drill.title[:120], "v": version.number},
        )
        finding.plan_change.proposed_by = policy.person(actor)
        finding.plan_change.save(update_fields=["proposed_by"])
    finding.save(update_fields=["rectification", "plan_change", "updated_at"])
    return finding


@transaction.atomic
def drill_complete(*, drill: Drill, summary: str, lessons: str = "", actor=None) -> Drill:
    """Close the drill: every objective assessed, a summary written. The year's drill
    obligation on the calendar is then met (governance evidence rule `drill.annual`)."""
    policy.require(actor, "training.drill.complete", drill)
    drill = _drill_for_update(drill)
    if drill.status != Drill.Status.IN_PROGRESS:
        raise ApplicationError(_("Only a running drill can be completed."))
    pending = drill.objectives.filter(result=DrillObjective.Result.NOT_ASSESSED)
    if pending.exists():
        raise ApplicationError(
            _("Assess every objective first: %(list)s")
            % {"list": "; ".join(o.description for o in pending)}
        )
    if not (summary or "").strip():
        raise ApplicationError(_("Write the drill summary."))
    drill.status = Drill.Status.COMPLETED
    drill.completed_at = timezone.now()
    drill.summary = summary.strip()
    drill.lessons = (lessons or "").strip()
    drill.save(update_fields=["status", "completed_at", "summary", "lessons", "updated_at"])
    reminders.drill_completed(drill=drill)
    obligations.refresh_on_commit()
    if drill.plan_version is not None and drill.findings.exists():
        # A drill that found gaps brings the exercised plan's review forward (O7).
        from incidents import services as incident_services

        incident_services.plan_review_request(
            actor=policy.SYSTEM,
            plan=drill.plan_version.plan,
            reason=_("Drill %(d)s found gaps") % {"d": drill.title[:120]},
        )
    return drill


@transaction.atomic
def drill_cancel(*, drill: Drill, reason: str, actor=None) -> Drill:
    policy.require(actor, "training.drill.cancel", drill)
    drill = _drill_for_update(drill)
    if drill.status != Drill.Status.PLANNED:
        raise ApplicationError(_("Only a planned drill can be cancelled."))
    if not (reason or "").strip():
        raise ApplicationError(_("Say why the drill is cancelled."))
    drill.status = Drill.Status.CANCELLED
    drill.summary = reason.strip()
    drill.save(update_fields=["status", "summary", "updated_at"])
    reminders.drill_cancelled(drill=drill, reason=reason, actor=actor)
    return drill
