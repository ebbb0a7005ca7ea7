"""The per-user ICS feed of open deadlines (icalendar)."""

from datetime import timedelta

from django.conf import settings
from icalendar import Calendar, Event

from deadlines.models import Deadline

from .channels import absolute_url


def feed_for(user) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//incident-response//deadlines//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{user} · deadlines")
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
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
        calendar.add_component(event)
    return calendar.to_ical()
