"""Bulk actions on the incident list and on task lists (issue 21.3).

Each selected item goes through the same service a single-item page uses, in a transaction of
its own: the policy is asked per item (inside the service), a refusal or a lifecycle error stops
that item only, and the result is reported per item. The audit trail records each changed item
as its own entry (the services' saves are recorded by the audit app), never one summary entry.
Items the user may not see are reported as "not found", without their title.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import policy
from core.errors import ApplicationError

from .models import Incident, IncidentTag, IncidentTask, Tag
from .services import (
    incident_close,
    incident_start_handling,
    incident_update,
    task_set_state,
    task_update,
)
from .services.common import _timeline

MAX_ITEMS = 200
TAG_MAX = 40

# Lifecycle moves offered in bulk (grading needs its facts, summarising a text: one at a time).
# Resolving is not offered: the handler states each case's containment and resolution times.
STATUS_MOVES: dict[str, tuple[Callable, object]] = {
    Incident.Status.HANDLING: (incident_start_handling, gettext_lazy("Start handling")),
    Incident.Status.CLOSED: (incident_close, gettext_lazy("Close")),
}


@dataclass(frozen=True)
class ItemResult:
    pk: int
    label: str
    ok: bool
    message: str
    url: str = ""


def parse_ids(values: Iterable[str]) -> list[int]:
    """Selected ids in the order given, without repeats; anything not a positive number is an
    error a user can read."""
    ids: list[int] = []
    for raw in values:
        try:
            pk = int(raw)
        except (TypeError, ValueError):
            raise ApplicationError(_("The selection is not valid; reload the list and try again."))
        if pk > 0 and pk not in ids:
            ids.append(pk)
    if not ids:
        raise ApplicationError(_("Select at least one item."))
    if len(ids) > MAX_ITEMS:
        raise ApplicationError(_("Select at most %(n)s items at a time.") % {"n": MAX_ITEMS})
    return ids


def _run(objects: dict[int, object], ids: list[int], label, url, apply) -> list[ItemResult]:
    results = []
    for pk in ids:
        obj = objects.get(pk)
        if obj is None:
            results.append(ItemResult(pk, f"#{pk}", False, _("Not found, or not yours to see.")))
            continue
        try:
            with transaction.atomic():
                message = apply(obj)
        except ApplicationError as exc:
            results.append(ItemResult(pk, label(obj), False, str(exc.message), url(obj)))
        else:
            results.append(ItemResult(pk, label(obj), True, message, url(obj)))
    return results


def _incidents(actor, ids) -> dict[int, Incident]:
    return {i.pk: i for i in Incident.objects.visible_to(actor).filter(pk__in=ids)}


def _incident_run(actor, ids, apply) -> list[ItemResult]:
    return _run(
        _incidents(actor, ids),
        ids,
        label=lambda i: f"{i.reference} {i.title}",
        url=lambda i: i.get_absolute_url(),
        apply=apply,
    )


def incidents_assign(*, actor, ids: list[int], assignee) -> list[ItemResult]:
    def apply(incident):
        incident_update(incident=incident, actor=actor, assignee=assignee)
        return _("Assigned to %(name)s.") % {"name": assignee}

    return _incident_run(actor, ids, apply)


def incident_tag_add(*, incident, actor, name: str) -> IncidentTag:
    """Tag a case (the same right as editing it); a tag already there is left as it is."""
    policy.require(actor, "incidents.incident.change", incident)
    name = " ".join((name or "").split())
    if not name:
        raise ApplicationError(_("Enter a tag."))
    if len(name) > TAG_MAX:
        raise ApplicationError(_("A tag has at most %(n)s characters.") % {"n": TAG_MAX})
    if incident.status == Incident.Status.CLOSED:
        raise ApplicationError(_("A closed incident cannot be edited."))
    tag, _created = Tag.objects.get_or_create(name=name)
    link, created = IncidentTag.objects.get_or_create(
        incident=incident, tag=tag, defaults={"added_by": policy.person(actor)}
    )
    if created:
        _timeline(incident, actor, "note", _("Tagged “%(tag)s”.") % {"tag": name})
    return link


def incidents_tag(*, actor, ids: list[int], name: str) -> list[ItemResult]:
    def apply(incident):
        incident_tag_add(incident=incident, actor=actor, name=name)
        return _("Tagged “%(tag)s”.") % {"tag": " ".join(name.split())}

    return _incident_run(actor, ids, apply)


def incidents_move(*, actor, ids: list[int], status: str) -> list[ItemResult]:
    if status not in STATUS_MOVES:
        raise ApplicationError(_("Choose a status the list can move cases to."))
    service, label = STATUS_MOVES[status]

    def apply(incident):
        service(incident=incident, actor=actor)
        return _("%(action)s: done.") % {"action": label}

    return _incident_run(actor, ids, apply)


def incidents_for_export(*, actor, ids: list[int]) -> list[Incident]:
    """The selected cases the user may see, in the order selected (export needs only reading)."""
    policy.require(actor, "incidents.read")
    found = _incidents(actor, ids)
    return [found[pk] for pk in ids if pk in found]


def _tasks(actor, ids) -> dict[int, IncidentTask]:
    visible = IncidentTask.objects.visible_to(actor).filter(pk__in=ids).select_related("incident")
    return {t.pk: t for t in visible}


def _task_run(actor, ids, apply) -> list[ItemResult]:
    return _run(
        _tasks(actor, ids),
        ids,
        label=lambda t: f"{t.incident.reference} · {t.title}",
        url=lambda t: t.incident.get_absolute_url() + "#tasks",
        apply=apply,
    )


def tasks_assign(*, actor, ids: list[int], assignee) -> list[ItemResult]:
    def apply(task):
        task_update(task=task, actor=actor, assignee=assignee)
        return _("Assigned to %(name)s.") % {"name": assignee}

    return _task_run(actor, ids, apply)


def tasks_set_state(*, actor, ids: list[int], state: str) -> list[ItemResult]:
    if state not in IncidentTask.State.values:
        raise ApplicationError(_("Choose a valid task state."))

    def apply(task):
        task_set_state(task=task, actor=actor, state=state)
        return _("Now “%(state)s”.") % {"state": IncidentTask.State(state).label}

    return _task_run(actor, ids, apply)
