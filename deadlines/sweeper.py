"""The sweeper: flips deadlines past due to missed and fires due reminder steps.

Locking policy (the one place it is written down): work is claimed with
SELECT ... FOR UPDATE SKIP LOCKED in short transactions ordered by (time, id), so any number
of sweepers can run at once and each row is handled by exactly one of them. The outbox rows a
step produces are inserted in the same transaction as the deadline's progress marker
(`fired_until`/`next_fire_at`), under unique keys, and are enqueued only after commit. If the
enqueue fails (broker down), the outbox sweep re-enqueues them later.
"""

import logging
import time
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from notifications.delivery import outbox_sweep
from notifications.services import build_rows, make_key, outbox_insert

from . import resolvers, signals
from .messages import body_for, subject_for
from .models import Deadline
from .schedule import StepSpec, due_occurrences, next_fire_at

logger = logging.getLogger(__name__)

FALLBACK_RECIPIENTS = ["role:compliance_officer"]


def sweep_missed(*, now: datetime | None = None, batch: int = 500) -> int:
    """Open deadlines whose due time has passed become missed; deadline_missed is sent."""
    now = now or timezone.now()
    total = 0
    while True:
        with transaction.atomic():
            rows = list(
                Deadline.objects.filter(state=Deadline.State.OPEN, due_at__lte=now)
                .select_for_update(skip_locked=True)
                .order_by("due_at", "id")[:batch]
            )
            if not rows:
                break
            Deadline.objects.filter(pk__in=[r.pk for r in rows]).update(
                state=Deadline.State.MISSED, missed_at=F("due_at")
            )
            listening = signals.deadline_missed.has_listeners(Deadline)
            for row in rows:
                row.state, row.missed_at = Deadline.State.MISSED, row.due_at
                if not listening:
                    continue
                try:
                    with transaction.atomic():
                        signals.deadline_missed.send(sender=Deadline, deadline=row)
                except Exception:
                    logger.exception("a deadline_missed receiver failed for deadline %s", row.pk)
        total += len(rows)
        if len(rows) < batch:
            break
    return total


class _Kinds:
    """Steps per kind, loaded once per sweep."""

    def __init__(self):
        self._cache = {}

    def get(self, kind):
        if kind.pk not in self._cache:
            steps = (
                list(kind.policy.steps.all().order_by("offset_seconds", "id"))
                if kind.policy_id
                else []
            )
            specs = [StepSpec(s.id, s.offset_seconds, s.repeat_seconds) for s in steps]
            self._cache[kind.pk] = (specs, {s.id: s for s in steps})
        return self._cache[kind.pk]


def _rows_for(deadline: Deadline, step, occurrence, now) -> list:
    recipients = resolvers.resolve_all(step.recipients, deadline=deadline, at=occurrence.fire_at)
    if not recipients:
        logger.warning(
            "deadline %s step %s resolved to nobody; notifying compliance officers",
            deadline.pk,
            step.pk,
        )
        recipients = resolvers.resolve_all(FALLBACK_RECIPIENTS, deadline=deadline, at=now)
    return build_rows(
        key_prefix=make_key(
            "d", deadline.pk, f"r{deadline.revision}", f"s{step.pk}", f"o{occurrence.number}"
        ),
        recipients=recipients,
        channels=step.channels,
        subject=subject_for(deadline, step.offset_seconds),
        body=body_for(deadline),
        url=deadline.url,
        scheduled_for=occurrence.fire_at,
        now=now,
        deadline=deadline,
        step=step,
        occurrence=occurrence.number,
    )


def sweep_steps(*, now: datetime | None = None, batch: int = 500) -> dict:
    """Fire every step occurrence due by `now` on open and missed deadlines."""
    now = now or timezone.now()
    kinds = _Kinds()
    fired = messages = 0
    while True:
        with transaction.atomic():
            deadlines = list(
                Deadline.objects.filter(state__in=Deadline.ACTIVE_STATES, next_fire_at__lte=now)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("kind", "owner")
                .order_by("next_fire_at", "id")[:batch]
            )
            if not deadlines:
                break
            rows = []
            for deadline in deadlines:
                specs, steps = kinds.get(deadline.kind)
                for occurrence in due_occurrences(
                    specs, deadline.due_at, deadline.fired_until, now
                ):
                    step = steps[occurrence.step_id]
                    rows.extend(_rows_for(deadline, step, occurrence, now))
                    fired += 1
                deadline.fired_until = now
                deadline.next_fire_at = next_fire_at(specs, deadline.due_at, now)
            Deadline.objects.bulk_update(deadlines, ["fired_until", "next_fire_at"], batch_size=500)
            messages += len(outbox_insert(rows))
        if len(deadlines) < batch:
            break
    return {"steps": fired, "messages": messages}


def sweep(*, now: datetime | None = None) -> dict:
    """One full pass: missed deadlines, due steps, then the outbox's stuck and retry rows."""
    now = now or timezone.now()
    result = {"missed": sweep_missed(now=now)}
    result.update(sweep_steps(now=now))
    result.update(outbox_sweep(now=now))
    return result


def sweep_for(*, seconds: float, poll: float = 1.0) -> list[dict]:
    """Sweep repeatedly for about `seconds` (the beat task runs every minute and keeps sweeping
    until the next one, so a step is handled within ~`poll` seconds of falling due)."""
    results = []
    stop = time.monotonic() + seconds
    while True:
        started = time.monotonic()
        results.append(sweep())
        if started + poll >= stop:
            break
        time.sleep(max(0.0, poll - (time.monotonic() - started)))
        if time.monotonic() >= stop:
            break
    return results
