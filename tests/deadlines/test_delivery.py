"""Delivery guarantees with real processes: concurrent sweepers, a worker killed with SIGKILL,
Redis stopped, an SMTP server refusing half the messages."""

import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from accounts.policy import SYSTEM
from deadlines import services
from deadlines.models import Deadline
from deadlines.seed import ensure_kind
from deadlines.sweeper import sweep, sweep_steps
from notifications.delivery import deliver_batch, outbox_sweep
from notifications.models import Channel, InboxItem, Outbox
from tests.conftest import make_user

from .processes import SmtpCapture, SmtpServer


def due_deadlines(n, *, channels, subject, users):
    """n deadlines whose one step ("0") is due now."""
    kind = ensure_kind(
        None,
        code=f"it.{'-'.join(channels)}",
        label="Integration",
        steps=[{"offset": "0", "recipients": ["owner"], "channels": list(channels)}],
    )
    created_at = timezone.now() - timedelta(minutes=2)
    due = timezone.now() - timedelta(seconds=1)
    for i in range(n):
        services.deadline_create(
            subject=subject,
            kind=kind,
            due_at=due,
            owner=users[i % len(users)],
            title=f"报告 {i}",
            url=f"/x/{i}/",
            now=created_at,
            actor=SYSTEM,
        )


def people(n):
    return [make_user(f"p{i}", display_name=f"员工{i}") for i in range(n)]


def wait_until(predicate, timeout, step=0.2):
    stop = time.monotonic() + timeout
    while time.monotonic() < stop:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def assert_inapp_exactly_once():
    rows = Outbox.objects.filter(channel=Channel.INAPP)
    assert rows.exclude(state=Outbox.State.SENT).count() == 0
    assert InboxItem.objects.count() == rows.count()
    per_outbox = Counter(InboxItem.objects.values_list("outbox_id", flat=True))
    assert set(per_outbox.values()) == {1}


@pytest.mark.django_db(transaction=True)
def test_two_sweepers_over_1000_due_steps_deliver_exactly_once(department, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED needs PostgreSQL")
    monkeypatch.setattr("notifications.dispatch.enqueue_now", lambda ids: True)
    due_deadlines(1000, channels=["inapp"], subject=department, users=people(20))
    now = timezone.now()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def sweeper():
        try:
            barrier.wait()
            results.append(sweep_steps(now=now, batch=50))
            barrier.wait()
            ids = list(Outbox.objects.order_by("id").values_list("id", flat=True))
            # Both deliver the same ids at once: the claim lets each row through once.
            results.append(deliver_batch(ids))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=sweeper) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    steps = [r for r in results if "steps" in r]
    deliveries = [r for r in results if "claimed" in r]
    assert sum(r["steps"] for r in steps) == 1000
    assert sum(r["claimed"] for r in deliveries) == 1000
    assert Outbox.objects.count() == 1000
    assert_inapp_exactly_once()
    assert set(Outbox.objects.values_list("attempts", flat=True)) == {1}
    assert not Deadline.objects.filter(next_fire_at__lte=now).exists()


@pytest.mark.django_db
def test_smtp_refusing_half_the_messages_delivers_all_after_retries(
    department, settings, monkeypatch
):
    monkeypatch.setattr("notifications.dispatch.enqueue_now", lambda ids: True)
    handler = SmtpCapture(refuse_every=2)
    with SmtpServer(handler) as server:
        settings.NOTIFICATIONS_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 0
        due_deadlines(40, channels=["email"], subject=department, users=people(8))
        sweep()
        for _round in range(12):
            pending = list(
                Outbox.objects.filter(state=Outbox.State.PENDING).values_list("id", flat=True)
            )
            deliver_batch(pending)
            outbox_sweep()  # failed rows whose backoff is over go back to pending
            if not Outbox.objects.exclude(state=Outbox.State.SENT).exists():
                break
    rows = list(Outbox.objects.all())
    assert len(rows) == 40
    assert all(r.state == Outbox.State.SENT for r in rows)
    assert handler.refused >= 20  # half of the first round, then half of each retry round
    assert sum(r.attempts for r in rows) == 40 + handler.refused
    assert max(r.attempts for r in rows) > 1
    delivered = Counter(m["dedupe_key"] for m in handler.received)
    assert set(delivered) == {r.key for r in rows} and set(delivered.values()) == {1}
    assert all(m["multipart"] for m in handler.received)  # text + HTML


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_batch_and_restarted_delivers_everything(department, start_worker):
    handler = SmtpCapture(delay=0.01)
    with SmtpServer(handler) as server:
        env = {
            "EMAIL_URL": f"smtp://127.0.0.1:{server.port}",
            "NOTIFICATIONS_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "NOTIFICATIONS_TASK_BATCH": 10,
        }
        worker = start_worker(**env)
        due_deadlines(300, channels=["inapp", "email"], subject=department, users=people(10))
        sweep()  # 600 outbox rows, enqueued in batches of 10
        assert Outbox.objects.count() == 600
        assert wait_until(lambda: len(handler.received) >= 60, 90), "worker did not start"
        worker.kill()  # mid-batch: some rows sent, some sending, most pending
        sent_before = Outbox.objects.filter(state=Outbox.State.SENT).count()
        assert 0 < sent_before < 600
        start_worker(**env)

        def drained():
            # A minute later for the sweep: leases are over, lost messages get re-enqueued.
            outbox_sweep(now=timezone.now() + timedelta(seconds=400))
            return not Outbox.objects.exclude(state=Outbox.State.SENT).exists()

        assert wait_until(drained, 180, step=1.0), Counter(
            Outbox.objects.values_list("state", flat=True)
        )
    assert_inapp_exactly_once()
    email_keys = set(Outbox.objects.filter(channel=Channel.EMAIL).values_list("key", flat=True))
    received = Counter(m["dedupe_key"] for m in handler.received)
    assert set(received) == email_keys  # every e-mail at least once...
    ids = {}
    for m in handler.received:  # ...and a repeat carries the same Message-ID
        assert ids.setdefault(m["dedupe_key"], m["message_id"]) == m["message_id"]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_redis_down_domain_writes_succeed_and_everything_is_delivered_later(
    department, start_worker, celery_broker
):
    from notifications.services import notify

    start_worker()
    celery_broker.stop()
    users = people(5)
    started = time.monotonic()
    due_deadlines(50, channels=["inapp"], subject=department, users=users)
    notify(recipients=users, subject="审批请求", channels=["inapp"], dedupe_key="t:redis-down")
    sweep()  # enqueue fails: logged, swallowed
    assert time.monotonic() - started < 30
    assert Deadline.objects.count() == 50
    assert Outbox.objects.filter(state=Outbox.State.PENDING).count() == 55
    assert InboxItem.objects.count() == 0
    celery_broker.start()

    def drained():
        outbox_sweep(now=timezone.now() + timedelta(seconds=400))
        return not Outbox.objects.exclude(state=Outbox.State.SENT).exists()

    assert wait_until(drained, 180, step=1.0)
    assert_inapp_exactly_once()
    assert InboxItem.objects.count() == 55
