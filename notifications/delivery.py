"""Delivering outbox rows, and the outbox half of the sweep.

Claim: pending -> sending with attempts + 1 and a lease, committed before any transport is
called (so every attempt is on record even if the worker dies mid-send). Then:
- in-app: the inbox rows are inserted and the outbox rows marked sent in one transaction, and
  the inbox row is unique per outbox row: exactly once.
- e-mail and webhook: sent, then marked sent. A worker killed between the two leaves the row
  "sending"; after the lease the sweep hands it out again: at least once, with a stable
  Message-ID / X-Dedupe-Key (e-mail) or X-Delivery-Id (webhook) so receivers can drop repeats.
A transport failure marks the row failed with a backoff; after the last attempt it is dead.
"""

import contextlib
import logging
from datetime import datetime, timedelta

from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from . import conf
from .channels import TransportError, post_webhook, send_email
from .dispatch import enqueue_on_commit
from .models import Channel, InboxItem, Outbox

logger = logging.getLogger(__name__)

# Apps above may say whether an endpoint still takes deliveries (an outbound subscription owns
# its endpoint and switches it on and off): fn(endpoint) -> True/False, or None for "not mine".
# Without an answer, the endpoint's own `active` flag decides.
_ENDPOINT_GATES: list = []


def register_endpoint_gate(gate) -> None:
    if gate not in _ENDPOINT_GATES:
        _ENDPOINT_GATES.append(gate)


def endpoint_takes_deliveries(endpoint) -> bool:
    for gate in _ENDPOINT_GATES:
        answer = gate(endpoint)
        if answer is not None:
            return bool(answer)
    return bool(endpoint.active)


def claim(ids, *, now: datetime | None = None) -> list[int]:
    now = now or timezone.now()
    lease = now + timedelta(seconds=conf.get("NOTIFICATIONS_LEASE_SECONDS"))
    with transaction.atomic():
        claimed = list(
            Outbox.objects.filter(pk__in=list(ids), state=Outbox.State.PENDING)
            .select_for_update(skip_locked=True)
            .order_by("id")
            .values_list("id", flat=True)
        )
        if claimed:
            Outbox.objects.filter(pk__in=claimed).update(
                state=Outbox.State.SENDING,
                attempts=F("attempts") + 1,
                last_attempt_at=now,
                lease_until=lease,
            )
            # Words that stopped being true ("due at 15:19", delivered at 20:19) give way to
            # what is true at delivery; the row keeps what was actually sent.
            Outbox.objects.filter(pk__in=claimed, valid_until__lt=now).exclude(
                late_subject=""
            ).update(
                subject=F("late_subject"),
                body=F("late_body"),
                valid_until=None,
            )
    return claimed


def _mark_sent(ids) -> None:
    Outbox.objects.filter(pk__in=list(ids), state=Outbox.State.SENDING).update(
        state=Outbox.State.SENT,
        sent_at=timezone.now(),
        lease_until=None,
        next_attempt_at=None,
        last_error="",
    )


def _mark_failed(row: Outbox, error: TransportError) -> None:
    now = timezone.now()
    dead = not error.retryable or row.attempts >= conf.get("NOTIFICATIONS_MAX_ATTEMPTS")
    Outbox.objects.filter(pk=row.pk, state=Outbox.State.SENDING).update(
        state=Outbox.State.DEAD if dead else Outbox.State.FAILED,
        last_error=str(error)[:2000],
        lease_until=None,
        next_attempt_at=None
        if dead
        else now + timedelta(seconds=conf.backoff_seconds(row.attempts)),
    )
    log = logger.error if dead else logger.warning
    log("outbox %s attempt %s failed%s: %s", row.pk, row.attempts, " (dead)" if dead else "", error)


def _mark_cancelled(row: Outbox) -> None:
    Outbox.objects.filter(pk=row.pk, state=Outbox.State.SENDING).update(
        state=Outbox.State.CANCELLED, lease_until=None, next_attempt_at=None
    )
    logger.info(
        "outbox %s cancelled: endpoint %s no longer takes deliveries", row.pk, row.endpoint_id
    )


def _deliver_inapp(claimed) -> int:
    """The claimed in-app rows: their inbox rows in one INSERT (unique per outbox row, so a
    repeat inserts nothing) and the outbox rows marked sent in one UPDATE, in one transaction."""
    rows = list(
        Outbox.objects.filter(pk__in=claimed, channel=Channel.INAPP, recipient__isnull=False)
        .order_by("id")
        .values_list("id", "recipient_id", "subject", "body", "url")
    )
    if not rows:
        return 0
    with transaction.atomic():
        InboxItem.objects.bulk_create(
            [
                InboxItem(user_id=user_id, outbox_id=pk, subject=subject, body=body, url=url)
                for pk, user_id, subject, body, url in rows
            ],
            ignore_conflicts=True,
            batch_size=1000,
        )
        _mark_sent([row[0] for row in rows])
    return len(rows)


def deliver_batch(ids, *, now: datetime | None = None) -> dict:
    """Deliver the given outbox rows that are still pending. Returns counts by outcome."""
    claimed = claim(ids, now=now)
    result = {"claimed": len(claimed), "sent": 0, "failed": 0}
    if not claimed:
        return result
    result["sent"] += _deliver_inapp(claimed)
    rows = list(
        Outbox.objects.filter(pk__in=claimed)
        .exclude(channel=Channel.INAPP)
        .select_related("recipient", "endpoint")
        .order_by("id")
    )
    email_connection = None
    try:
        for row in rows:
            if row.channel == Channel.INAPP:
                continue
            if row.channel == Channel.WEBHOOK and not endpoint_takes_deliveries(row.endpoint):
                _mark_cancelled(row)
                result["cancelled"] = result.get("cancelled", 0) + 1
                continue
            try:
                if row.channel == Channel.EMAIL:
                    if email_connection is None:
                        email_connection = get_connection(conf.email_backend(), fail_silently=False)
                    send_email(row, email_connection)
                elif row.channel == Channel.WEBHOOK:
                    post_webhook(row)
                else:
                    raise TransportError(f"unknown channel {row.channel}", retryable=False)
            except Exception as exc:
                if not isinstance(exc, TransportError):
                    logger.exception("outbox %s: unexpected delivery error", row.pk)
                    exc = TransportError(f"{type(exc).__name__}: {exc}")
                _mark_failed(row, exc)
                result["failed"] += 1
                if email_connection is not None and row.channel == Channel.EMAIL:
                    # A refused message can leave the SMTP session in a bad state: reconnect.
                    with contextlib.suppress(Exception):
                        email_connection.close()
                    email_connection = None
                continue
            _mark_sent([row.pk])
            result["sent"] += 1
    finally:
        if email_connection is not None:
            with contextlib.suppress(Exception):  # closing a broken session
                email_connection.close()
    return result


def outbox_sweep(*, now: datetime | None = None, limit: int = 5000) -> dict:
    """Rows stuck in sending past their lease go back to pending; pending rows not delivered
    in time and failed rows whose backoff is over are enqueued again."""
    now = now or timezone.now()
    requeue_at = now + timedelta(seconds=conf.get("NOTIFICATIONS_REQUEUE_SECONDS"))
    with transaction.atomic():
        stale = list(
            Outbox.objects.filter(state=Outbox.State.SENDING, lease_until__lte=now)
            .select_for_update(skip_locked=True)
            .order_by("lease_until", "id")
            .values_list("id", flat=True)[:limit]
        )
        if stale:
            Outbox.objects.filter(pk__in=stale, state=Outbox.State.SENDING).update(
                state=Outbox.State.PENDING, lease_until=None, next_attempt_at=now
            )
    with transaction.atomic():
        due = list(
            Outbox.objects.filter(
                state__in=[Outbox.State.PENDING, Outbox.State.FAILED], next_attempt_at__lte=now
            )
            .select_for_update(skip_locked=True)
            .order_by("next_attempt_at", "id")
            .values_list("id", flat=True)[:limit]
        )
        if due:
            Outbox.objects.filter(pk__in=due).update(
                state=Outbox.State.PENDING, next_attempt_at=requeue_at
            )
            enqueue_on_commit(due)
    if stale:
        logger.warning("outbox: %d rows were stuck in sending past their lease", len(stale))
    return {"stale": len(stale), "requeued": len(due)}
