"""Delivery tells the truth: late words are re-worded, steps falling due together give way to
the latest, an overdue-at-birth deadline alerts at once, a disabled endpoint sends nothing more."""

from datetime import datetime, timedelta

import pytest
import time_machine

from accounts.policy import SYSTEM
from deadlines import services
from deadlines.calendar import SHANGHAI
from deadlines.sweeper import sweep
from integrations import services as integration_services
from integrations import webhooks
from integrations.models import Event
from notifications.delivery import deliver_batch
from notifications.models import InboxItem, Outbox, WebhookEndpoint

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)  # a Monday


def _create(department, handler, due_at, at=NOW):
    with time_machine.travel(at, tick=False):
        return services.deadline_create(
            subject=department,
            kind="test.report",
            due_at=due_at,
            owner=handler,
            title="初报",
            actor=SYSTEM,
        )


def _sweep(at):
    with time_machine.travel(at, tick=False):
        return sweep()


def _deliver(at):
    with time_machine.travel(at, tick=False):
        ids = Outbox.objects.filter(state=Outbox.State.PENDING).values_list("id", flat=True)
        return deliver_batch(list(ids))


def test_reminder_delivered_after_its_due_time_says_overdue(
    report_kind, department, handler, recorded_enqueues
):
    _create(department, handler, NOW + timedelta(hours=4))  # due 13:00
    _sweep(NOW + timedelta(hours=3))  # the -1h reminder is written at 12:00 ...
    _deliver(NOW + timedelta(hours=8))  # ... but reaches the handler only at 17:00
    subjects = list(InboxItem.objects.filter(user=handler).values_list("subject", flat=True))
    assert len(subjects) == 1
    assert "13:00" in subjects[0]
    assert "提醒" not in subjects[0] and "Reminder" not in subjects[0]
    assert "逾期" in subjects[0] or "Overdue" in subjects[0]
    # The e-mail row records the words that were actually sent.
    mail = Outbox.objects.get(recipient=handler, channel="email")
    assert mail.subject == subjects[0]


def test_reminder_delivered_in_time_keeps_its_words(
    report_kind, department, handler, recorded_enqueues
):
    _create(department, handler, NOW + timedelta(hours=4))
    _sweep(NOW + timedelta(hours=3))
    _deliver(NOW + timedelta(hours=3, minutes=1))
    (subject,) = InboxItem.objects.filter(user=handler).values_list("subject", flat=True)
    assert "逾期" not in subject and "Overdue" not in subject


def test_steps_falling_due_together_give_way_to_the_latest(
    report_kind, department, handler, recorded_enqueues
):
    _create(department, handler, NOW + timedelta(hours=4))
    # No sweep ran from 11:00 to 13:05: the -1h reminder and the "due now" step are both due.
    result = _sweep(NOW + timedelta(hours=4, minutes=5))
    assert result["steps"] == 1
    _deliver(NOW + timedelta(hours=4, minutes=5))
    subjects = list(InboxItem.objects.filter(user=handler).values_list("subject", flat=True))
    assert len(subjects) == 1
    assert "提醒" not in subjects[0] and "Reminder" not in subjects[0]


def test_overdue_at_birth_alerts_within_one_sweep(
    report_kind, department, handler, officer, recorded_enqueues
):
    # A case entered two days after its report was due: the latest due step (the daily +1h
    # escalation to compliance officers, due at 2026-03-01 10:00) fires at the next sweep.
    _create(department, handler, NOW - timedelta(days=2), at=NOW)
    result = _sweep(NOW + timedelta(seconds=1))
    assert result["steps"] == 1 and result["messages"] >= 1
    _deliver(NOW + timedelta(seconds=1))
    assert InboxItem.objects.filter(user=officer).count() == 1
    # ...and only once: the next repeat is tomorrow.
    assert _sweep(NOW + timedelta(minutes=5))["steps"] == 0


def test_disabled_subscription_sends_nothing_more(officer, handler, monkeypatch):
    posted = []
    monkeypatch.setattr("notifications.delivery.post_webhook", lambda row: posted.append(row.pk))
    subscription = integration_services.subscription_create(
        actor=officer,
        name="SOC 平台",
        url="https://soc.example.com/hooks/ir",
        events=[Event.INCIDENT_CREATED],
    )
    ids = webhooks.publish(
        Event.INCIDENT_CREATED, key="case-1", data={"reference": "SJAQ-2026-0001"}, text="新事件"
    )
    assert ids
    integration_services.subscription_set_active(
        subscription=subscription, actor=officer, active=False
    )
    result = deliver_batch(ids)
    assert posted == []
    assert result["sent"] == 0
    assert set(Outbox.objects.filter(pk__in=ids).values_list("state", flat=True)) == {
        Outbox.State.CANCELLED
    }


def test_disabled_robot_endpoint_sends_nothing_more(
    report_kind, department, handler, monkeypatch, recorded_enqueues
):
    posted = []
    monkeypatch.setattr("notifications.delivery.post_webhook", lambda row: posted.append(row.pk))
    robot = WebhookEndpoint.objects.create(
        name="值班群", url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", active=True
    )
    report_kind.policy.steps.update(channels=["inapp", "webhook"])
    _create(department, handler, NOW + timedelta(hours=4))
    _sweep(NOW + timedelta(hours=3))
    queued = Outbox.objects.filter(endpoint=robot)
    assert queued.count() == 1
    robot.active = False
    robot.save()
    _deliver(NOW + timedelta(hours=3, minutes=1))
    assert posted == []
    assert queued.get().state == Outbox.State.CANCELLED
