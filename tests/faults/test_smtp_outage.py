"""Fault run: the SMTP server (aiosmtpd, a free port) refuses every message for an hour of
simulated time, then recovers. The clock is moved with time-machine a minute at a time; each
minute the engine's sweep runs (as beat's task would) and the rows it hands to the broker are
delivered (as a worker would). Messages keep falling due during the outage.

After the recovery every message is delivered exactly once (counted per X-Dedupe-Key at the
SMTP server), within the default retry policy (30 s × 2ⁿ backoff capped at an hour, 30 attempts): no row is dead,
every refused attempt is on record.
"""

from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from accounts.policy import SYSTEM
from deadlines import services
from deadlines.seed import ensure_kind
from notifications import conf
from notifications.delivery import deliver_batch
from notifications.models import Channel, Outbox
from notifications.services import notify
from tests.conftest import make_user
from tests.deadlines.processes import SmtpCapture, SmtpServer

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 10, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
OUTAGE = timedelta(hours=1)
BURST = 30  # due when the outage begins
LATER = 5  # due every 10 minutes during the outage (minutes 10 … 50)


class OutageSmtp(SmtpCapture):
    """Refuses every message (451, try again later) while `down`; records what it accepts."""

    def __init__(self):
        super().__init__()
        self.down = True
        self.refused_while_down = 0

    async def handle_DATA(self, server, session, envelope):
        if self.down:
            with self.lock:
                self.refused_while_down += 1
            return "451 4.3.0 Mail system temporarily unavailable, try again later"
        return await super().handle_DATA(server, session, envelope)


def test_smtp_refusing_everything_for_an_hour_then_recovering_delivers_each_message_once(
    department, settings, monkeypatch
):
    # The broker is the test: each simulated minute, whatever is pending is delivered.
    monkeypatch.setattr("notifications.dispatch.enqueue_now", lambda ids: True)
    assert conf.get("NOTIFICATIONS_MAX_ATTEMPTS") == 30  # the defaults are what is proved
    assert conf.get("NOTIFICATIONS_RETRY_BASE_SECONDS") == 30
    from deadlines.sweeper import sweep

    smtp = OutageSmtp()
    with SmtpServer(smtp) as server, time_machine.travel(START, tick=False) as clock:
        settings.NOTIFICATIONS_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""

        kind = ensure_kind(
            None,
            code="faults.smtp",
            label="SMTP outage",
            steps=[{"offset": "0", "recipients": ["owner"], "channels": ["email"]}],
        )
        users = [make_user(f"m{i}", display_name=f"员工{i}") for i in range(10)]
        due_times = [START - timedelta(seconds=1)] * BURST + [
            START + timedelta(minutes=10 * k) for k in range(1, 6) for _ in range(LATER)
        ]
        for i, due in enumerate(due_times):
            services.deadline_create(
                subject=department,
                kind=kind,
                due_at=due,
                owner=users[i % len(users)],
                title=f"整改期限 {i}",
                url=f"/x/{i}/",
                now=START - timedelta(minutes=5),
                actor=SYSTEM,
            )

        received_during_outage = None
        for minute in range(0, 121):
            clock.move_to(START + timedelta(minutes=minute))
            if minute == 30:  # an ad-hoc message in the middle of the outage
                notify(
                    recipients=users[:3],
                    subject="监管通报：请于今日反馈",
                    channels=["email"],
                    dedupe_key="faults:smtp-outage",
                )
            if minute == OUTAGE.total_seconds() // 60:
                received_during_outage = len(smtp.received)
                smtp.down = False  # the mail server is back
            sweep()  # missed deadlines, due steps, the outbox's retries
            pending = list(
                Outbox.objects.filter(state=Outbox.State.PENDING).values_list("id", flat=True)
            )
            if pending:
                deliver_batch(pending)
            if minute > 60 and not Outbox.objects.exclude(state=Outbox.State.SENT).exists():
                break
        finished_at = timezone.now()

    rows = list(Outbox.objects.filter(channel=Channel.EMAIL))
    assert len(rows) == len(due_times) + 3
    states = Counter(r.state for r in rows)
    assert states == {Outbox.State.SENT: len(rows)}, states
    assert received_during_outage == 0
    assert smtp.refused_while_down >= len(rows)  # every message was refused at least once
    # Every attempt is on record: the refusals plus the one that went through.
    assert sum(r.attempts for r in rows) == smtp.refused_while_down + len(rows)
    assert max(r.attempts for r in rows) <= conf.get("NOTIFICATIONS_MAX_ATTEMPTS")
    # Exactly once per message, counted at the server by its dedupe header.
    delivered = Counter(m["dedupe_key"] for m in smtp.received)
    assert set(delivered) == {r.key for r in rows}
    assert set(delivered.values()) == {1}
    print(
        f"\nsmtp outage: {len(rows)} messages, {smtp.refused_while_down} refusals, attempts "
        f"{sorted(Counter(r.attempts for r in rows).items())}, all delivered after "
        f"{finished_at - START} of simulated time"
    )
    # Recovery is bounded by the backoff cap: all out within ~an hour after the server is back.
    assert finished_at - START <= OUTAGE + timedelta(hours=1)
    assert all(r.sent_at >= START + OUTAGE for r in rows)
