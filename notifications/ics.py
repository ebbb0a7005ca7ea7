"""The per-user ICS feed (icalendar). The events come from sources other apps register from
their AppConfig.ready() (deadlines: a person's open deadlines); this module imports none of them."""

from django.conf import settings
from icalendar import Calendar

_sources: list = []


def register_source(events_for) -> None:
    """events_for(user) -> iterable of icalendar Events for that person's feed."""
    if events_for not in _sources:
        _sources.append(events_for)


def feed_for(user) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//incident-response//deadlines//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{user} · deadlines")
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for events_for in _sources:
        for event in events_for(user):
            calendar.add_component(event)
    return calendar.to_ical()
