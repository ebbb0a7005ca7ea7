"""Demo data registry. `manage.py seed_demo` runs every registered seeder in order; each app
registers its own from AppConfig.ready(). Seeders must be idempotent: a second run changes
nothing (each one looks for what it made before it makes anything).

A seeder tells a past year as it happened: `played_at(when)` runs the services with the clock
set to that moment (time-machine), so every timestamp the services write — grading, approvals,
submissions, minutes, audit entries, deadlines — agrees with the story instead of reading
"now". Each seeder returns one short line for the command's summary (or nothing)."""

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager

_seeders: list[tuple[int, str, Callable]] = []


def register(order: int, name: str):
    def decorator(func):
        if all(n != name for _o, n, _f in _seeders):
            _seeders.append((order, name, func))
        return func

    return decorator


def seeders():
    return sorted(_seeders, key=lambda s: s[0])


@contextmanager
def played_at(when: dt.datetime) -> Iterator[dt.datetime]:
    """Run the block with the clock at `when` (ticking on from there). Never later than now:
    the demo tells the past, and what is still ahead is left to the real clock."""
    import time_machine
    from django.utils import timezone

    now = timezone.now()
    if when >= now:
        yield now
        return
    with time_machine.travel(when, tick=True):
        yield when
