"""Fault run: a burst of due deadlines is being swept and delivered by a real Celery worker
when the worker is SIGKILLed and Redis is restarted (empty: no persistence, so every queued
task is lost), while the web side keeps writing. After a new worker starts and beat's sweep
runs again, nothing is lost and nothing is sent twice:

- every step produced exactly one outbox row per channel and recipient (unique keys);
- every in-app notification is in its inbox exactly once;
- every e-mail arrived; the only repeats are messages whose delivery the kill interrupted
  (claimed, sent, not yet marked sent: the documented at-least-once window), each repeat with
  the same Message-ID and X-Dedupe-Key so a mail client drops it.

The engine's own tests (tests/deadlines/test_delivery.py) cover the kill and the Redis outage
one at a time; this one does both in one run, with the worker doing the sweeping, as beat
would have it do.
"""

import time
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from deadlines.models import Deadline
from notifications.models import Channel, Outbox
from notifications.services import notify
from tests.deadlines.processes import SmtpCapture, SmtpServer
from tests.deadlines.test_delivery import (
    assert_inapp_exactly_once,
    due_deadlines,
    people,
)

pytestmark = [pytest.mark.slow, pytest.mark.redis]

BURST = 300  # deadlines due at once before the faults (x2 channels)
DURING_OUTAGE = 100  # deadlines written and falling due while Redis and the worker are down
WORKER_ENV = {
    "NOTIFICATIONS_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "NOTIFICATIONS_TASK_BATCH": 10,
    # Short tunables so the recovery happens within the test: a row stuck in "sending" is
    # handed out again after 10 s, a pending row whose task was lost after 3 s.
    "NOTIFICATIONS_LEASE_SECONDS": 10,
    "NOTIFICATIONS_REQUEUE_SECONDS": 3,
    # Each sweep task sweeps for 2 s; the test sends one a second, as beat sends one a minute.
    "DEADLINES_SWEEP_LOOP_SECONDS": 2,
}


def beat():
    from config.celery_app import app

    app.send_task("deadlines.sweep")


def beat_until(predicate, timeout):
    stop = time.monotonic() + timeout
    while time.monotonic() < stop:
        beat()
        if predicate():
            return True
        time.sleep(1.0)
    return predicate()


@pytest.mark.django_db(transaction=True)
def test_worker_killed_and_redis_restarted_during_a_burst_lose_nothing_send_nothing_twice(
    department, start_worker, celery_broker, settings
):
    if connection.vendor != "postgresql":
        pytest.skip("the worker tests need PostgreSQL")
    settings.NOTIFICATIONS_REQUEUE_SECONDS = WORKER_ENV["NOTIFICATIONS_REQUEUE_SECONDS"]
    handler = SmtpCapture(delay=0.01)
    with SmtpServer(handler) as smtp:
        env = {"EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}", **WORKER_ENV}
        worker = start_worker(**env)
        users = people(10)
        due_deadlines(BURST, channels=["inapp", "email"], subject=department, users=users)
        assert Outbox.objects.count() == 0  # nothing is sent until a sweep finds the steps

        # The burst: the worker sweeps (beat's task) and delivers; kill it in the middle.
        assert beat_until(lambda: len(handler.received) >= 60, 60), "the worker did not start"
        worker.kill()
        sending_at_kill = set(
            Outbox.objects.filter(state=Outbox.State.SENDING).values_list("key", flat=True)
        )
        sent_at_kill = Outbox.objects.filter(state=Outbox.State.SENT).count()
        assert 0 < sent_at_kill < 2 * BURST

        # Redis goes down too, and comes back empty: every queued task is gone.
        celery_broker.stop()
        started = time.monotonic()
        due_deadlines(DURING_OUTAGE, channels=["inapp", "email"], subject=department, users=users)
        notify(
            recipients=users[:5],
            subject="审批请求：首报待审",
            channels=["inapp", "email"],
            dedupe_key="faults:redis-down",
        )
        assert time.monotonic() - started < 30, "domain writes must not wait for the broker"
        celery_broker.start()

        start_worker(**env)
        expected = 2 * (BURST + DURING_OUTAGE) + 2 * 5

        def drained():
            return (
                Outbox.objects.count() == expected
                and not Outbox.objects.exclude(state=Outbox.State.SENT).exists()
            )

        assert beat_until(drained, 90), Counter(Outbox.objects.values_list("state", flat=True))

    # Every step fired once, and no later step is waiting.
    assert Deadline.objects.count() == BURST + DURING_OUTAGE
    assert not Deadline.objects.filter(next_fire_at__lte=timezone.now()).exists()
    assert Outbox.objects.count() == expected
    assert_inapp_exactly_once()

    email_rows = {
        key: attempts
        for key, attempts in Outbox.objects.filter(channel=Channel.EMAIL).values_list(
            "key", "attempts"
        )
    }
    received = Counter(m["dedupe_key"] for m in handler.received)
    assert set(received) == set(email_rows)  # nothing lost
    repeats = {key for key, n in received.items() if n > 1}
    # Sent twice only where the kill fell between sending and recording it, and then only once
    # more, on the row's second attempt.
    assert repeats <= sending_at_kill, repeats - sending_at_kill
    assert all(received[key] == 2 and email_rows[key] == 2 for key in repeats)
    print(
        f"\nfaults: {sent_at_kill} rows sent before the kill, {len(sending_at_kill)} in flight; "
        f"{expected} rows delivered after the restarts; e-mail repeats: {len(repeats)}"
    )
    message_ids = {}
    for m in handler.received:
        assert message_ids.setdefault(m["dedupe_key"], m["message_id"]) == m["message_id"]
