"""Writes. Keyword-only arguments, one transaction each, full validation; expected failures (work)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from core.errors import ApplicationError

from .. import deadline_links, events
from .. import fields as editable
from ..models import (
    Comment,
    IncidentTask,
    TimelineEntry,
)
from .common import S, _check_assignee, _timeline


@transaction.atomic
def timeline_add(*, incident, actor, text: str, kind: str = TimelineEntry.Kind.NOTE, at=None):
    policy.require(actor, "incidents.timeline.add", incident)
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
    policy.require(actor, "incidents.task.create", incident)
    title = (title or "").strip()
    if not title:
        raise ApplicationError(_("Enter a task title."))
    if incident.status == S.CLOSED:
        raise ApplicationError(_("A closed incident cannot get new tasks."))
    _check_assignee(assignee)
    task = IncidentTask.objects.create(
        incident=incident,
        title=title,
        description=description,
        assignee=assignee,
        due_at=due_at,
        order=incident.tasks.count(),
    )
    _timeline(incident, actor, TimelineEntry.Kind.TASK, _("Task added: %(t)s") % {"t": title})
    deadline_links.task_sync(task=task, actor=actor)
    if task.assignee_id and task.assignee_id != getattr(actor, "pk", None):
        events.task_assigned(task)
    return task


@transaction.atomic
def task_update(*, task, actor, **changes) -> IncidentTask:
    policy.require(actor, "incidents.task.change", task)
    allowed = set(editable.TASK)
    if set(changes) - allowed:
        raise TypeError(f"unexpected arguments: {sorted(set(changes) - allowed)}")
    if "title" in changes and not (changes["title"] or "").strip():
        raise ApplicationError(_("Enter a task title."))
    if "assignee" in changes:
        _check_assignee(changes["assignee"])
    old_assignee_id = task.assignee_id
    for key, value in changes.items():
        setattr(task, key, value)
    task.save()
    deadline_links.task_sync(task=task, actor=actor)
    if task.assignee_id and task.assignee_id != old_assignee_id:
        events.task_assigned(task)
    return task


@transaction.atomic
def task_set_state(*, task, actor, state: str) -> IncidentTask:
    policy.require(actor, "incidents.task.change", task)
    if state not in IncidentTask.State.values:
        raise ApplicationError(_("Choose a valid task state."))
    task = IncidentTask.objects.select_for_update().get(pk=task.pk)
    if task.state == state:
        return task
    task.state = state
    if state == IncidentTask.State.DONE:
        task.completed_at, task.completed_by = timezone.now(), policy.person(actor)
    else:
        task.completed_at, task.completed_by = None, None
    task.save()
    if state == IncidentTask.State.DONE and task.kind == IncidentTask.Kind.INVESTIGATION:
        deadline_links.partner_followup_meet(incident=task.incident, actor=actor)
    deadline_links.task_sync(task=task, actor=actor)
    _timeline(
        task.incident,
        actor,
        TimelineEntry.Kind.TASK,
        _("Task “%(t)s”: %(s)s") % {"t": task.title, "s": task.get_state_display()},
    )
    return task


@transaction.atomic
def comment_add(*, incident, actor, body: str) -> Comment:
    policy.require(actor, "incidents.comment.add", incident)
    body = (body or "").strip()
    if not body:
        raise ApplicationError(_("Enter a comment."))
    return Comment.objects.create(incident=incident, author=policy.person(actor), body=body)
