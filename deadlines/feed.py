"""A person's open deadlines as calendar events, for the ICS feed that notifications serves
(registered from DeadlinesConfig.ready(); notifications imports nothing of ours)."""

from datetime import timedelta

from icalendar import Event

from notifications.channels import absolute_url

from .models import Deadline


def deadline_events(user):
    rows = (
        Deadline.objects.filter(owner=user, state__in=Deadline.ACTIVE_STATES)
        .select_related("kind")
        .order_by("due_at")[:500]
    )
    for deadline in rows:
        event = Event()
        event.add("uid", f"deadline-{deadline.pk}-r{deadline.revision}@incident-response")
        event.add("summary", deadline.title)
        event.add("dtstart", deadline.due_at)
        event.add("dtend", deadline.due_at + timedelta(minutes=30))
        event.add("dtstamp", deadline.updated_at)
        event.add("categories", [str(deadline.kind.label)])
        description = f"{deadline.kind.label}"
        if not deadline.calendar_confirmed:
            description += "\n(calendar unconfirmed / 工作日历未确认)"
        event.add("description", description)
        if deadline.url:
            event.add("url", absolute_url(deadline.url))
        yield event
