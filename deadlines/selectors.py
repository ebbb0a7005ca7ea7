from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from accounts.people import name_fields, name_from_row
from accounts.policy import sees_everything
from core.labels import choice_labels
from core.prepared import PreparedQuery

from .models import Deadline

_SUBJECT_DEADLINES = PreparedQuery(
    lambda content_type, object_id: (
        Deadline.objects.filter(content_type_id=content_type, object_id=object_id)
        .order_by("due_at", "id")
        .values("id", "title", "due_at", "state", "owner_role", *name_fields("owner"))
    ),
    "content_type",
    "object_id",
)


def deadline_rows_for(subject, *, cursor=None) -> list:
    """A subject's deadlines (all states, earliest first) as rows for a page: title, due_at,
    state, state_label, owner_name, owner_role."""
    ct = ContentType.objects.get_for_model(subject)
    rows = _SUBJECT_DEADLINES.rows(content_type=ct.pk, object_id=subject.pk, cursor=cursor)
    for r in rows:
        r["owner_name"] = name_from_row(r, "owner")
        r["state_label"] = choice_labels(Deadline.State).get(r["state"], r["state"])
    return rows


def deadlines_due_for(*, user):
    """The user's own open and missed deadlines, most urgent first."""
    return (
        Deadline.objects.filter(owner=user, state__in=Deadline.ACTIVE_STATES)
        .select_related("kind")
        .order_by("due_at", "id")
    )


def firm_deadlines(*, user, state: str = "active", kind: str = "", unconfirmed: bool = False):
    """Deadlines across the firm for officers (anyone else: what visibility allows)."""
    qs = Deadline.objects.visible_to(user).select_related("kind", "owner")
    if state == "active":
        qs = qs.filter(state__in=Deadline.ACTIVE_STATES)
    elif state in Deadline.State.values:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind__code=kind)
    if unconfirmed:
        qs = qs.filter(calendar_confirmed=False)
    return qs.order_by("due_at", "id")


def can_see_firm(user) -> bool:
    return sees_everything(user)


def annotate_urgency(deadlines, *, now=None):
    """(deadline, urgency) pairs: "missed", "overdue" (past due, not flipped yet), "soon" (within
    24 h) or ""."""
    now = now or timezone.now()
    out = []
    for d in deadlines:
        if d.state == Deadline.State.MISSED:
            urgency = "missed"
        elif d.state == Deadline.State.OPEN and d.due_at <= now:
            urgency = "overdue"
        elif d.state == Deadline.State.OPEN and d.due_at <= now + timedelta(hours=24):
            urgency = "soon"
        else:
            urgency = ""
        out.append((d, urgency))
    return out
