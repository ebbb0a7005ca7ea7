"""The sweeper with a frozen clock: steps fire once, missed flips at due time, met stops."""

from datetime import datetime, timedelta

import pytest
import time_machine

from accounts.policy import SYSTEM
from deadlines import services
from deadlines.calendar import SHANGHAI
from deadlines.models import Deadline
from deadlines.signals import deadline_missed
from deadlines.sweeper import sweep
from notifications.delivery import deliver_batch
from notifications.models import InboxItem, Outbox

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture
def deadline(report_kind, department, handler, officer):
    with time_machine.travel(NOW, tick=False):
        return services.deadline_create(
            subject=department,
            kind="test.report",
            due_at=NOW + timedelta(hours=4),
            owner=handler,
            actor=SYSTEM,
        )


def run_at(when):
    with time_machine.travel(when, tick=False):
        result = sweep()
        pending = Outbox.objects.filter(state=Outbox.State.PENDING).values_list("id", flat=True)
        deliver_batch(list(pending))
    return result


def test_steps_fire_once_each_and_met_stops_the_rest(deadline, handler, officer, recorded_enqueues):
    assert run_at(NOW + timedelta(hours=2))["steps"] == 0
    result = run_at(NOW + timedelta(hours=3))  # -1h: owner, inapp + email
    assert (result["steps"], result["messages"]) == (1, 2)
    assert run_at(NOW + timedelta(hours=3, minutes=1))["steps"] == 0
    result = run_at(NOW + timedelta(hours=4))  # 0: owner + manager, missed flip first
    assert result["missed"] == 1 and result["messages"] == 2
    deadline.refresh_from_db()
    assert deadline.state == Deadline.State.MISSED and deadline.missed_at == deadline.due_at
    result = run_at(NOW + timedelta(hours=5))  # +1h escalation to compliance officers
    assert result["messages"] == 1
    assert InboxItem.objects.filter(user=officer).count() == 2
    # Meeting it (late) stops the daily repeats.
    services.deadline_meet(deadline=deadline, actor=SYSTEM)
    assert run_at(NOW + timedelta(days=3))["steps"] == 0
    assert InboxItem.objects.filter(user=handler).count() == 2
    assert Outbox.objects.filter(state=Outbox.State.SENT).count() == 5


def test_repeats_collapse_after_downtime(deadline, officer, recorded_enqueues):
    run_at(NOW + timedelta(hours=5))
    # Down for three days: one nudge for the latest occurrence, not three.
    result = run_at(NOW + timedelta(days=3, hours=6))
    assert result["steps"] == 1
    occurrences = Outbox.objects.filter(recipient=officer, step__offset="+1h").values_list(
        "occurrence", flat=True
    )
    assert sorted(occurrences) == [0, 3]


def test_moving_the_deadline_sends_the_new_schedule(deadline, handler, recorded_enqueues):
    run_at(NOW + timedelta(hours=3))
    with time_machine.travel(NOW + timedelta(hours=3, minutes=5), tick=False):
        services.deadline_move(
            deadline=deadline, due_at=NOW + timedelta(days=1), reason="x", actor=SYSTEM
        )
    run_at(NOW + timedelta(days=1, hours=-1))
    subjects = list(
        InboxItem.objects.filter(user=handler).order_by("id").values_list("subject", flat=True)
    )
    assert len(subjects) == 2 and subjects[0] != subjects[1]


def test_missed_signal_is_sent_once(deadline, recorded_enqueues):
    seen = []

    def receiver(sender, deadline, **kwargs):
        seen.append(deadline.pk)

    deadline_missed.connect(receiver)
    try:
        run_at(NOW + timedelta(hours=4))
        run_at(NOW + timedelta(hours=4, minutes=1))
    finally:
        deadline_missed.disconnect(receiver)
    assert seen == [deadline.pk]


def test_messages_are_in_the_recipients_language(deadline, handler, recorded_enqueues):
    handler.preferred_language = "en"
    handler.save()
    run_at(NOW + timedelta(hours=3))
    item = InboxItem.objects.get(user=handler)
    assert item.subject.startswith("Reminder:")
    assert "2026-03-02 13:00" in item.subject


def test_outbox_rows_are_enqueued_after_commit(
    deadline, recorded_enqueues, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW + timedelta(hours=3), tick=False):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            sweep()
    assert len(callbacks) == 1
    ids = sorted(Outbox.objects.values_list("id", flat=True))
    assert recorded_enqueues == [ids] and len(ids) == 2
