"""The incident app's deadlines, all through the deadline engine (never Celery ETAs).

Kinds (seeded by migration):
- `incident.handling.target` — resolve within the response plan's target hours of discovery;
  depends on the grade (the plan is chosen by category and grade), moved on every regrade,
  met on resolution.
- `incident.partner.followup` — partner incidents: follow up with the partner; opened on
  creation, met when the investigation task is done.
- `incident.rectification` — one per rectification item; met on verification.
- `incident.task.due` — one per open task with a due time, owned by its assignee; met when the
  task is done, cancelled with it.
- `incident.concern.triage` — a staff concern waits for triage (1 working day by default);
  met when it is promoted or closed.

Owners follow the work: when a case, task or item changes hands, `follow_owner` moves its open
deadlines (and, through `incident_reassigned`, those of other apps on the case) to the new person.
"""

from datetime import timedelta

from django.urls import reverse
from django.utils.translation import gettext as _

from deadlines import services as deadline_services
from deadlines.models import Deadline

HANDLING = "incident.handling.target"
PARTNER_FOLLOWUP = "incident.partner.followup"
RECTIFICATION = "incident.rectification"
TASK = "incident.task.due"
CONCERN_TRIAGE = "incident.concern.triage"

ACTIVE = (Deadline.State.OPEN, Deadline.State.MISSED)


def _active(subject, kind):
    return deadline_services.active_deadline(subject, kind)


def handling_target_schedule(*, incident, plan, actor, reason):
    due = incident.discovered_at + timedelta(hours=plan.target_resolution_hours)
    current = _active(incident, HANDLING)
    if current is None:
        if incident.resolved_at:
            return None
        return deadline_services.deadline_create(
            subject=incident,
            kind=HANDLING,
            due_at=due,
            owner=incident.assignee,
            owner_role="" if incident.assignee else "incident_lead",
            title=_("Resolve %(ref)s (grade %(grade)s)")
            % {"ref": incident.reference, "grade": incident.grade},
            url=incident.get_absolute_url(),
            actor=actor,
        )
    if current.due_at != due:
        return deadline_services.deadline_move(
            deadline=current, due_at=due, reason=str(reason), actor=actor
        )
    return current


def handling_target_meet(*, incident, actor, met_at=None):
    current = _active(incident, HANDLING)
    if current is not None:
        deadline_services.deadline_meet(deadline=current, met_at=met_at, actor=actor)


def partner_followup_open(*, incident, hours, actor):
    return deadline_services.deadline_create(
        subject=incident,
        kind=PARTNER_FOLLOWUP,
        due_at=incident.created_at + timedelta(hours=hours),
        owner=incident.assignee,
        owner_role="" if incident.assignee else "incident_lead",
        title=_("Follow up partner incident %(ref)s") % {"ref": incident.reference},
        url=incident.get_absolute_url(),
        actor=actor,
    )


def partner_followup_meet(*, incident, actor):
    current = _active(incident, PARTNER_FOLLOWUP)
    if current is not None:
        deadline_services.deadline_meet(deadline=current, actor=actor)


def rectification_open(*, item, actor):
    from .events import rectification_url

    url = rectification_url(item)
    return deadline_services.deadline_create(
        subject=item,
        kind=RECTIFICATION,
        due_at=item.due_at,
        owner=item.owner,
        title=_("Rectification: %(t)s") % {"t": item.title},
        url=url,
        actor=actor,
    )


def rectification_meet(*, item, actor, met_at=None):
    current = _active(item, RECTIFICATION)
    if current is not None:
        deadline_services.deadline_meet(deadline=current, met_at=met_at, actor=actor)


def incident_deadlines(incident):
    """Every deadline on the case (its own, and other apps' such as reports) for the page."""
    return deadline_services.deadlines_for(incident)


def follow_owner(*, subjects, owner, actor, reason=""):
    """The subjects changed hands: their open deadlines go to the new person."""
    return deadline_services.deadlines_transfer(
        subjects=subjects, owner=owner, actor=actor, reason=reason
    )


def task_sync(*, task, actor):
    """An open task with a due time has one active deadline, owned by its assignee."""
    from .models import IncidentTask

    current = _active(task, TASK)
    if task.state != IncidentTask.State.OPEN or not task.due_at:
        if current is None:
            return None
        if task.state == IncidentTask.State.DONE:
            return deadline_services.deadline_meet(
                deadline=current, met_at=task.completed_at, actor=actor
            )
        return deadline_services.deadline_cancel(
            deadline=current, reason=_("The task was cancelled or has no due time."), actor=actor
        )
    if current is None:
        return deadline_services.deadline_create(
            subject=task,
            kind=TASK,
            due_at=task.due_at,
            owner=task.assignee,
            owner_role="" if task.assignee_id else "incident_lead",
            title=_("Task for %(ref)s: %(t)s") % {"ref": task.incident.reference, "t": task.title},
            url=task.incident.get_absolute_url(),
            actor=actor,
        )
    if current.owner_id != task.assignee_id and task.assignee_id:
        follow_owner(subjects=[task], owner=task.assignee, actor=actor)
    if current.due_at != task.due_at:
        return deadline_services.deadline_move(
            deadline=current, due_at=task.due_at, reason=_("task due time changed"), actor=actor
        )
    return current


def tasks_open(*, tasks, actor):
    """Deadlines for tasks created together (a response plan's steps), in one bulk write."""
    items = [
        {
            "subject": task,
            "kind": TASK,
            "due_at": task.due_at,
            "owner": task.assignee,
            "owner_role": "" if task.assignee_id else "incident_lead",
            "title": _("Task for %(ref)s: %(t)s")
            % {"ref": task.incident.reference, "t": task.title},
            "url": task.incident.get_absolute_url(),
        }
        for task in tasks
        if task.due_at and task.pk
    ]
    if items:
        deadline_services.deadlines_bulk_create(items=items, actor=actor)


def concern_triage_open(*, concern, actor):
    from deadlines.calendar import add_working_days

    due, confirmed = add_working_days(concern.created_at, 1)
    return deadline_services.deadline_create(
        subject=concern,
        kind=CONCERN_TRIAGE,
        due_at=due,
        owner=None,
        title=_("Triage staff concern: %(s)s") % {"s": concern.summary[:80]},
        calendar_confirmed=confirmed,
        url=reverse("incidents:concern-detail", args=[concern.pk]),
        actor=actor,
    )


def concern_triage_meet(*, concern, actor):
    current = _active(concern, CONCERN_TRIAGE)
    if current is not None:
        deadline_services.deadline_meet(deadline=current, actor=actor)
