"""Training and drills on the deadline engine (and, for drills and plans, the obligations
calendar). Everything here runs inside the caller's transaction.

Assignment reminders: one engine deadline per open assignment (kind `training.assignment.due`,
owner = the trainee; steps remind the trainee, then escalate to the trainee's manager). They are
created for assignments coming due within REMINDER_HORIZON_DAYS: when the assignment is
generated if it is already that close, otherwise by the periodic sweep (`schedule_due_soon`).
A plan's courses are spread through the year; creating tens of thousands of deadlines months
ahead would only slow generation and fill the engine with rows that cannot fire yet (the
earliest step is 7 days before the due date).
"""

import datetime as dt
from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from deadlines import services as deadline_services
from deadlines.models import Deadline

from .models import Course, TrainingAssignment

ASSIGNMENT_KIND = "training.assignment.due"
DRILL_KIND = "training.drill.scheduled"
REMINDER_HORIZON_DAYS = 30
DUE_TIME = dt.time(18, 0)  # close of business on the due date, Asia/Shanghai
SWEEP_BATCH = 500


def due_at_for(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, DUE_TIME))


def _open_statuses():
    return [TrainingAssignment.Status.ASSIGNED, TrainingAssignment.Status.IN_PROGRESS]


def _schedule(assignment_ids: list[int]) -> int:
    """Create the engine deadline of each assignment not yet scheduled. Rows are claimed with
    SELECT … FOR UPDATE SKIP LOCKED so two sweeps never schedule the same assignment twice."""
    if not assignment_ids:
        return 0
    rows = list(
        TrainingAssignment.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(pk__in=assignment_ids, reminders_scheduled=False, status__in=_open_statuses())
        .select_related("course", "user")
        .order_by("pk")
    )
    for a in rows:
        deadline_services.deadline_create(
            subject=a,
            kind=ASSIGNMENT_KIND,
            due_at=due_at_for(a.due_date),
            owner=a.user,
            title=_("Training due: %(course)s") % {"course": a.course.title},
            calendar_confirmed=True,
            url=reverse("training:assignment", args=[a.pk]),
            actor=policy.SYSTEM,  # generation and the sweep run for nobody
        )
    TrainingAssignment.objects.filter(pk__in=[a.pk for a in rows]).update(reminders_scheduled=True)
    return len(rows)


def schedule_for_course(*, course: Course, user_ids: list[int]) -> int:
    """Called by generation for each batch: schedule now if the due date is near."""
    horizon = timezone.localdate() + timedelta(days=REMINDER_HORIZON_DAYS)
    ids = list(
        TrainingAssignment.objects.filter(
            course=course,
            user_id__in=user_ids,
            reminders_scheduled=False,
            due_date__lte=horizon,
        ).values_list("pk", flat=True)
    )
    return _schedule(ids)


def schedule_due_soon() -> int:
    """Periodic sweep: schedule every open assignment coming due within the horizon."""
    horizon = timezone.localdate() + timedelta(days=REMINDER_HORIZON_DAYS)
    total = 0
    while True:
        with transaction.atomic():
            ids = list(
                TrainingAssignment.objects.filter(
                    reminders_scheduled=False,
                    status__in=_open_statuses(),
                    due_date__lte=horizon,
                    course__status=Course.Status.PUBLISHED,
                )
                .order_by("pk")
                .values_list("pk", flat=True)[:SWEEP_BATCH]
            )
            if not ids:
                return total
            done = _schedule(ids)
        total += done
        if done == 0:  # everything left is locked by another sweep
            return total


def assignment_completed(*, assignment: TrainingAssignment) -> None:
    if not assignment.reminders_scheduled:
        return
    for d in deadline_services.deadlines_for(assignment, kind=ASSIGNMENT_KIND).filter(
        state=Deadline.State.OPEN
    ):
        # The engine's bookkeeping after the trainee's own (already authorised) completion.
        deadline_services.deadline_meet(
            deadline=d, met_at=assignment.completed_at, actor=policy.SYSTEM
        )


# --- drills ------------------------------------------------------------------------------


def _drill_deadlines(drill):
    return deadline_services.deadlines_for(drill, kind=DRILL_KIND).filter(state=Deadline.State.OPEN)


def drill_planned(*, drill, actor) -> None:
    deadline_services.deadline_create(
        subject=drill,
        kind=DRILL_KIND,
        due_at=drill.scheduled_at,
        owner=drill.coordinator,
        title=_("Emergency drill: %(title)s") % {"title": drill.title},
        calendar_confirmed=True,
        url=reverse("training:drill", args=[drill.pk]),
        actor=actor,
    )


def drill_rescheduled(*, drill, reason: str, actor) -> None:
    for d in _drill_deadlines(drill):
        deadline_services.deadline_move(
            deadline=d, due_at=drill.scheduled_at, reason=reason, actor=actor
        )


def drill_started(*, drill) -> None:
    for d in _drill_deadlines(drill):
        deadline_services.deadline_meet(deadline=d, met_at=drill.started_at, actor=policy.SYSTEM)


def drill_completed(*, drill) -> None:
    """The obligations calendar reads completed drills through its evidence rule
    (training/obligations.py); nothing is left open on the engine."""
    for d in _drill_deadlines(drill):
        deadline_services.deadline_meet(deadline=d, met_at=drill.completed_at, actor=policy.SYSTEM)


def drill_cancelled(*, drill, reason: str, actor) -> None:
    for d in _drill_deadlines(drill):
        deadline_services.deadline_cancel(deadline=d, reason=reason, actor=actor, waive=False)
