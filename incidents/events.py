"""The incident app's event notifications (registered in notifications' one list of kinds).

Each notice links to a page its recipient may open: the case for handlers and officers, "my
rectification items" for a rectification owner, the concern queue for triagers."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import policy
from notifications.events import event_kind, localized, notify_event

INCIDENT_ASSIGNED = event_kind(
    "incident.assigned", _("A case was assigned to you"), _("the case's new handler")
)
TASK_ASSIGNED = event_kind(
    "incident.task.assigned", _("A case task was assigned to you"), _("the task's assignee")
)
RECTIFICATION_ASSIGNED = event_kind(
    "incident.rectification.assigned",
    _("A rectification item was given to you"),
    _("the rectification item's owner"),
)
CONCERN_ARRIVED = event_kind(
    "incident.concern.arrived",
    _("A staff concern arrived for triage"),
    _("incident handlers and compliance officers"),
)


def _stamp() -> str:
    return timezone.now().strftime("%Y%m%d%H%M%S%f")


def incident_assigned(incident) -> None:
    if incident.assignee_id is None:
        return
    notify_event(
        kind=INCIDENT_ASSIGNED.code,
        recipients=[incident.assignee],
        subject=localized(
            _("Case %(ref)s is assigned to you: %(title)s"),
            ref=incident.reference,
            title=incident.title,
        ),
        url=incident.get_absolute_url(),
        key=f"incident-{incident.pk}-u{incident.assignee_id}-{_stamp()}",
    )


def task_assigned(task) -> None:
    if task.assignee_id is None:
        return
    notify_event(
        kind=TASK_ASSIGNED.code,
        recipients=[task.assignee],
        subject=localized(
            _("Task for case %(ref)s: %(title)s"), ref=task.incident.reference, title=task.title
        ),
        url=task.incident.get_absolute_url(),
        key=f"task-{task.pk}-u{task.assignee_id}-{_stamp()}",
    )


def rectification_url(item) -> str:
    """The page every owner may open: their own list of rectification items, at the item."""
    return f"{reverse('incidents:my-rectifications')}#item-{item.pk}"


def rectification_assigned(item) -> None:
    notify_event(
        kind=RECTIFICATION_ASSIGNED.code,
        recipients=[item.owner],
        subject=localized(
            _("Rectification item for you: %(title)s (due %(due)s)"),
            title=item.title,
            due=timezone.localtime(item.due_at).strftime("%Y-%m-%d %H:%M"),
        ),
        url=rectification_url(item),
        key=f"rectification-{item.pk}-u{item.owner_id}",
    )


def concern_arrived(concern) -> None:
    notify_event(
        kind=CONCERN_ARRIVED.code,
        recipients=policy.holders(policy.TRIAGERS),
        subject=localized(_("New staff concern: %(summary)s"), summary=concern.summary[:80]),
        url=reverse("incidents:concern-detail", args=[concern.pk]),
        key=f"concern-{concern.pk}",
    )
