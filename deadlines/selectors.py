from datetime import timedelta

from django.utils import timezone

from accounts.policy import sees_everything

from .models import Deadline


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
