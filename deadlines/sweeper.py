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
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from notifications.delivery import outbox_sweep
from notifications.models import WebhookEndpoint
from notifications.services import build_rows, make_key, outbox_insert

from . import resolvers, signals
from .messages import MessageTexts, body_for, late_body_for, late_subject_for, subject_for
from .models import Deadline
from .schedule import StepSpec, due_occurrences, next_fire_at

logger = logging.getLogger(__name__)

FALLBACK_RECIPIENTS = ["role:compliance_officer"]
# Deadlines claimed per transaction. Large enough that a burst of 100,000 due steps costs a
# hundred short transactions (a few bulk statements each), small enough that a transaction
# holds its row locks for well under a second.
STEP_BATCH = 2000
MISSED_BATCH = 2000
# "Due now" stays true for this long after the due time; later it is worded as overdue.
STALE_GRACE_SECONDS = 600


def sweep_missed(*, now: datetime | None = None, batch: int = MISSED_BATCH) -> int:
    """Open deadlines whose due time has passed become missed; deadline_missed is sent."""
    now = now or timezone.now()
    total = 0
    while True:
        with transaction.atomic():
            rows = list(
                Deadline.objects.filter(state=Deadline.State.OPEN, due_at__lte=now)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("kind", "content_type")  # what receivers read, without a query
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


class _Batch:
    """What one claimed batch shares: recipients resolved once per (role, time), the message
    patterns once per language, the active webhook endpoints once."""

    def __init__(self):
        self.recipients = resolvers.BatchResolver()
        self.texts = MessageTexts()
        self._endpoints = None

    def endpoints(self, channels):
        if "webhook" not in channels:
            return []
        if self._endpoints is None:
            self._endpoints = list(WebhookEndpoint.objects.filter(active=True))
        return self._endpoints


def _valid_until(deadline: Deadline, step):
    """Until when a step's words are true: a reminder ("due at 15:19") until the due time, the
    "due now" step for a short grace after it; an overdue step stays true."""
    if step.offset_seconds < 0:
        return deadline.due_at
    if step.offset_seconds == 0:
        return deadline.due_at + timedelta(seconds=STALE_GRACE_SECONDS)
    return None


def _rows_for(deadline: Deadline, step, occurrence, now, batch: _Batch | None = None) -> list:
    batch = batch or _Batch()
    recipients = batch.recipients.resolve_all(
        step.recipients, deadline=deadline, at=occurrence.fire_at
    )
    if not recipients:
        logger.warning(
            "deadline %s step %s resolved to nobody; notifying compliance officers",
            deadline.pk,
            step.pk,
        )
        recipients = batch.recipients.resolve_all(FALLBACK_RECIPIENTS, deadline=deadline, at=now)
    return build_rows(
        key_prefix=make_key(
            "d", deadline.pk, f"r{deadline.revision}", f"s{step.pk}", f"o{occurrence.number}"
        ),
        recipients=recipients,
        channels=step.channels,
        subject=subject_for(deadline, step.offset_seconds, batch.texts),
        body=body_for(deadline, batch.texts),
        valid_until=_valid_until(deadline, step),
        late_subject=late_subject_for(deadline, batch.texts),
        late_body=late_body_for(deadline, batch.texts),
        mentions=[getattr(user, "phone", "") for user in recipients]
        if "webhook" in step.channels
        else (),
        url=deadline.url,
        scheduled_for=occurrence.fire_at,
        endpoints=batch.endpoints(step.channels),
        now=now,
        deadline_id=deadline.pk,
        step_id=step.pk,
        occurrence=occurrence.number,
    )


def _truthful(occurrences, steps) -> list:
    """Occurrences falling due together (the sweeper was stopped, or the deadline was entered
    late) give way to the latest: a "due at 15:19" reminder is not sent beside "overdue"."""
    if len(occurrences) < 2:
        return occurrences
    latest = occurrences[-1]
    return [
        o
        for o in occurrences
        if o is latest
        or o.fire_at == latest.fire_at
        or steps[o.step_id].offset_seconds >= steps[latest.step_id].offset_seconds
    ]


# The columns a step needs (messages, keys, recipients, schedule); anything else a resolver
# reads is loaded on access.
_SWEEP_FIELDS = (
    "id", "content_type_id", "object_id", "kind", "title", "url", "due_at", "owner_id",
    "owner_role", "state", "calendar_confirmed", "revision", "fired_until",
)  # fmt: skip


def _attach_owners(deadlines) -> None:
    """The batch's owners (and their managers) in one query: a few dozen people usually own
    thousands of due deadlines, so each User is loaded once, not once per row."""
    from django.contrib.auth import get_user_model

    ids = {d.owner_id for d in deadlines if d.owner_id}
    if not ids:
        return
    users = get_user_model().objects.select_related("manager").in_bulk(ids)
    for deadline in deadlines:
        if deadline.owner_id in users:
            deadline.owner = users[deadline.owner_id]


def sweep_steps(*, now: datetime | None = None, batch: int = STEP_BATCH) -> dict:
    """Fire every step occurrence due by `now` on open and missed deadlines.

    Per claimed batch: one SELECT … FOR UPDATE SKIP LOCKED (with owners and their managers),
    recipients and texts from the batch's caches, one bulk INSERT of outbox rows (ON CONFLICT
    DO NOTHING on the unique key), one UPDATE per distinct next fire time, and the new outbox
    ids enqueued in chunks after commit."""
    now = now or timezone.now()
    kinds = _Kinds()
    fired = messages = 0
    while True:
        with transaction.atomic():
            deadlines = list(
                Deadline.objects.filter(state__in=Deadline.ACTIVE_STATES, next_fire_at__lte=now)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("kind")
                .only(*_SWEEP_FIELDS)
                .order_by("next_fire_at", "id")[:batch]
            )
            if not deadlines:
                break
            _attach_owners(deadlines)
            shared = _Batch()
            rows = []
            progress: dict = {}
            for deadline in deadlines:
                specs, steps = kinds.get(deadline.kind)
                for occurrence in _truthful(
                    due_occurrences(specs, deadline.due_at, deadline.fired_until, now), steps
                ):
                    step = steps[occurrence.step_id]
                    rows.extend(_rows_for(deadline, step, occurrence, now, shared))
                    fired += 1
                nxt = next_fire_at(specs, deadline.due_at, now)
                progress.setdefault(nxt, []).append(deadline.pk)
            # Deadlines of one burst mostly share their next fire time: one UPDATE per value
            # instead of a CASE over every row.
            for nxt, ids in progress.items():
                Deadline.objects.filter(pk__in=ids).update(fired_until=now, next_fire_at=nxt)
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
