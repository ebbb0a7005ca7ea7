"""When the steps of a policy fire for a given due time (pure arithmetic, no queries).

A step is (step_id, offset_seconds, repeat_seconds or None). Its occurrence k fires at
due + offset + k * repeat (k = 0 only for a step that does not repeat).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class StepSpec:
    id: int
    offset_seconds: int
    repeat_seconds: int | None


@dataclass(frozen=True)
class Occurrence:
    step_id: int
    number: int
    fire_at: datetime


def _base(step: StepSpec, due_at: datetime) -> datetime:
    return due_at + timedelta(seconds=step.offset_seconds)


def due_occurrences(steps, due_at: datetime, after: datetime | None, until: datetime):
    """Occurrences with after < fire_at <= until. A repeating step that fell due several times
    (the sweeper was down) yields only its latest occurrence: one nudge, not a burst."""
    found = []
    for step in steps:
        base = _base(step, due_at)
        if base > until:
            continue
        if not step.repeat_seconds:
            if after is None or base > after:
                found.append(Occurrence(step.id, 0, base))
            continue
        latest = int((until - base).total_seconds() // step.repeat_seconds)
        fire_at = base + timedelta(seconds=latest * step.repeat_seconds)
        if after is None or fire_at > after:
            found.append(Occurrence(step.id, latest, fire_at))
    return sorted(found, key=lambda o: (o.fire_at, o.step_id))


def next_fire_at(steps, due_at: datetime, after: datetime) -> datetime | None:
    """The first fire time strictly after `after`, or None when no step is left."""
    best = None
    for step in steps:
        base = _base(step, due_at)
        if base > after:
            candidate = base
        elif step.repeat_seconds:
            passed = int((after - base).total_seconds() // step.repeat_seconds) + 1
            candidate = base + timedelta(seconds=passed * step.repeat_seconds)
        else:
            continue
        if best is None or candidate < best:
            best = candidate
    return best


def starting_point(steps, due_at: datetime, now: datetime) -> tuple[datetime, datetime | None]:
    """(fired_until, next_fire_at) for a deadline that starts counting now. Steps whose moment
    has passed are skipped, except on a deadline already overdue when it is created (a case
    entered days after discovery): its most recent due step fires at the next sweep, so the
    first alert comes at once rather than at the next repeat."""
    if due_at <= now:
        passed = due_occurrences(steps, due_at, None, now)
        if passed:
            latest = passed[-1].fire_at
            return latest - timedelta(microseconds=1), latest
    return now, next_fire_at(steps, due_at, now)
