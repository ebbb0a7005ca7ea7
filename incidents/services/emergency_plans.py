"""Writes: emergency plans and their versions (§5 应急预案, O7). Keyword-only arguments, one
transaction each; the policy is asked first.

Lifecycle: a plan starts with a draft version 1; the responsible leader approves a draft, which
then is in force from its effective date (the version before is superseded) and must be reviewed
by `review_due_on` (effective date + the plan's review interval, at most a year) — a deadline on
the engine owned by the leader. A drill or a major incident that found gaps brings the review
forward (`plan_review_request`). Proposed changes (from drill findings, incidents, the annual
process review) are listed in the next draft's change list."""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from core.errors import ApplicationError
from deadlines import services as deadline_services

from ..models import EmergencyPlan, EmergencyPlanVersion, PlanChange, PlanScenario

PLAN_REVIEW = "incident.plan.review"
# After a drill or a major incident found gaps, the plan is reviewed within this many days
# (our own working rule, not a figure of the standard; the standard asks for "kept current").
EARLY_REVIEW_DAYS = 30


def _due_at(day: datetime.date) -> datetime.datetime:
    """Reviews fall due at 09:00 Shanghai time on their day."""
    tz = timezone.get_default_timezone()
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)), tz)


def _clean(text: str) -> str:
    return (text or "").strip()


@transaction.atomic
def plan_create(
    *,
    actor,
    scenario: str,
    title: str,
    responsible_leader,
    body: str,
    review_interval_days: int = 365,
    response_plan=None,
) -> EmergencyPlan:
    """A new plan with its draft version 1."""
    policy.require(actor, "incidents.plan.create")
    if scenario not in PlanScenario.values:
        raise ApplicationError(_("Choose the scenario the plan covers."))
    if not _clean(title) or not _clean(body):
        raise ApplicationError(_("Give the plan a title and its text."))
    if responsible_leader is None or not responsible_leader.is_active:
        raise ApplicationError(_("Name the responsible leader who approves the plan."))
    if not 30 <= int(review_interval_days) <= 365:
        raise ApplicationError(_("Review the plan at least once a year (30 to 365 days)."))
    plan = EmergencyPlan.objects.create(
        scenario=scenario,
        title=_clean(title),
        responsible_leader=responsible_leader,
        review_interval_days=int(review_interval_days),
        response_plan=response_plan,
        created_by=policy.person(actor),
    )
    EmergencyPlanVersion.objects.create(
        plan=plan,
        number=1,
        body=_clean(body),
        change_list=_("First version."),
        drafted_by=policy.person(actor),
    )
    return plan


@transaction.atomic
def plan_version_draft(
    *, actor, plan: EmergencyPlan, body: str, change_list: str = ""
) -> EmergencyPlanVersion:
    """Draft the next version. Its change list is every open proposed change of the plan (one
    line each), then the lines given here; those changes are listed in this version."""
    policy.require(actor, "incidents.plan.version_draft", plan)
    plan = EmergencyPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.versions.filter(state=EmergencyPlanVersion.State.DRAFT).exists():
        raise ApplicationError(_("The plan already has a draft version; approve or edit it."))
    if not _clean(body):
        raise ApplicationError(_("Give the plan's text for the new version."))
    open_changes = list(
        plan.changes.filter(version__isnull=True).exclude(state=PlanChange.State.REJECTED)
    )
    lines = [c.description.strip().replace("\n", " ") for c in open_changes]
    lines += [line.strip() for line in (change_list or "").splitlines() if line.strip()]
    if not lines:
        raise ApplicationError(_("List at least one change from the previous version."))
    last = plan.versions.order_by("-number").first()
    version = EmergencyPlanVersion.objects.create(
        plan=plan,
        number=(last.number if last else 0) + 1,
        body=_clean(body),
        change_list="\n".join(lines),
        drafted_by=policy.person(actor),
    )
    PlanChange.objects.filter(pk__in=[c.pk for c in open_changes]).update(version=version)
    return version


@transaction.atomic
def plan_version_approve(
    *, actor, version: EmergencyPlanVersion, effective_on: datetime.date | None = None
) -> EmergencyPlanVersion:
    """The responsible leader approves a draft: it is in force from `effective_on` (today by
    default), the version before is superseded, and the next review is due on the engine."""
    policy.require(actor, "incidents.plan.version_approve", version)
    version = EmergencyPlanVersion.objects.select_for_update().get(pk=version.pk)
    if version.state != EmergencyPlanVersion.State.DRAFT:
        raise ApplicationError(_("Only a draft version can be approved."))
    today = timezone.localdate()
    effective_on = effective_on or today
    if effective_on < today:
        raise ApplicationError(_("The effective date cannot be in the past."))
    plan = version.plan
    now = timezone.now()
    previous = plan.versions.filter(state=EmergencyPlanVersion.State.IN_FORCE).first()
    if previous is not None:
        previous.state = EmergencyPlanVersion.State.SUPERSEDED
        previous.superseded_at = now
        previous.save(update_fields=["state", "superseded_at", "updated_at"])
    version.state = EmergencyPlanVersion.State.IN_FORCE
    version.approved_by = policy.person(actor)
    version.approved_at = now
    version.effective_on = effective_on
    version.review_due_on = effective_on + datetime.timedelta(days=plan.review_interval_days)
    version.save()
    version.changes.filter(state=PlanChange.State.PROPOSED).update(
        state=PlanChange.State.ADOPTED, decided_by=policy.person(actor), decided_at=now
    )
    # Approving a version is the plan's review: the old review deadline is met, a new one opens.
    current = deadline_services.active_deadline(plan, PLAN_REVIEW)
    if current is not None:
        deadline_services.deadline_meet(deadline=current, actor=actor)
    deadline_services.deadline_create(
        subject=plan,
        kind=PLAN_REVIEW,
        due_at=_due_at(version.review_due_on),
        owner=plan.responsible_leader,
        title=_("Review emergency plan: %(p)s") % {"p": plan.title[:80]},
        url=reverse("incidents:plan-detail", args=[plan.pk]),
        actor=actor,
    )
    return version


@transaction.atomic
def plan_change_propose(
    *,
    actor,
    plan: EmergencyPlan,
    description: str,
    origin: str = PlanChange.Origin.OTHER,
    origin_label: str = "",
    incident=None,
) -> PlanChange:
    policy.require(actor, "incidents.plan.propose", plan)
    if not _clean(description):
        raise ApplicationError(_("Describe the change you propose to the plan."))
    if origin not in PlanChange.Origin.values:
        raise ApplicationError(_("Say where the proposed change comes from."))
    return PlanChange.objects.create(
        plan=plan,
        description=_clean(description),
        origin=origin,
        origin_label=_clean(origin_label)[:200],
        incident=incident,
        proposed_by=policy.person(actor),
    )


@transaction.atomic
def plan_change_decide(
    *, actor, change: PlanChange, adopt: bool, meeting=None, note: str = ""
) -> PlanChange:
    """Adopt or reject a proposed change. Adopted at the annual process-review meeting, it is
    also recorded on that meeting's list of adopted changes (O3)."""
    from governance import services as governance_services

    policy.require(actor, "incidents.plan.decide", change)
    change = PlanChange.objects.select_for_update().get(pk=change.pk)
    if change.state != PlanChange.State.PROPOSED:
        raise ApplicationError(_("This change has already been decided."))
    if not adopt and not _clean(note):
        raise ApplicationError(_("Give the reason for rejecting the change."))
    change.state = PlanChange.State.ADOPTED if adopt else PlanChange.State.REJECTED
    change.decided_by, change.decided_at = policy.person(actor), timezone.now()
    change.decision_note = _clean(note)
    if adopt and meeting is not None:
        governance_services.meeting_adopt_change(
            actor=actor,
            meeting=meeting,
            kind="plan",
            description=f"{change.plan.title}: {change.description}",
            source_label=change.get_origin_display()
            + (f" · {change.origin_label}" if change.origin_label else ""),
        )
        change.adopted_meeting = meeting
    change.save()
    return change


@transaction.atomic
def plan_review_request(
    *, actor, plan: EmergencyPlan, reason: str, within_days: int = EARLY_REVIEW_DAYS
) -> EmergencyPlanVersion | None:
    """A drill or a major incident found gaps: the plan's review is brought forward to within
    `within_days` (never pushed later). Returns the version in force, or None (no version in
    force yet: its approval will set the first review)."""
    policy.require(actor, "incidents.plan.propose", plan)
    version = (
        plan.versions.select_for_update().filter(state=EmergencyPlanVersion.State.IN_FORCE).first()
    )
    if version is None:
        return None
    early = timezone.localdate() + datetime.timedelta(days=within_days)
    if version.review_due_on and version.review_due_on <= early:
        return version
    version.review_due_on = early
    version.save(update_fields=["review_due_on", "updated_at"])
    current = deadline_services.active_deadline(plan, PLAN_REVIEW)
    if current is not None:
        deadline_services.deadline_move(
            deadline=current, due_at=_due_at(early), reason=_clean(reason)[:200], actor=actor
        )
    return version


# Grades that make an incident "major" for the plan review (the national plan's I and II).
MAJOR_GRADES = ("I", "II")


def review_after_major_incident(*, incident) -> list[EmergencyPlanVersion]:
    """A grade I or II incident found a gap (a rectification item was opened on it): the plans
    whose task template the case follows are reviewed within EARLY_REVIEW_DAYS. Called inside
    the caller's transaction; acts as the system (the case's worker asked their own rule)."""
    from .common import select_response_plan

    if incident.is_drill or incident.grade not in MAJOR_GRADES:
        return []
    template = select_response_plan(category=incident.category, grade=incident.grade)
    if template is None:
        return []
    return [
        version
        for plan in EmergencyPlan.objects.filter(response_plan=template)
        if (
            version := plan_review_request(
                actor=policy.SYSTEM,
                plan=plan,
                reason=_("Major incident %(ref)s found gaps") % {"ref": incident.reference},
            )
        )
        is not None
    ]
