"""A deadline follows its subject's responsible person."""

from datetime import timedelta

import pytest
from django.utils import timezone

from deadlines import services as deadline_services
from notifications.models import Outbox

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    monkeypatch.setattr("notifications.dispatch.enqueue_now", lambda ids: True)


def test_transfer_moves_open_deadlines_and_tells_both_owners(
    report_kind, department, handler, handler2, officer
):
    due = timezone.now() + timedelta(hours=4)
    open_ones = [
        deadline_services.deadline_create(
            subject=department,
            kind="test.report",
            due_at=due,
            owner=handler,
            title=f"报告{i}",
            actor=officer,
        )
        for i in range(3)
    ]
    closed = deadline_services.deadline_create(
        subject=department,
        kind="test.report",
        due_at=due,
        owner=handler,
        title="已完成",
        actor=officer,
    )
    deadline_services.deadline_meet(deadline=closed, actor=officer)
    moved = deadline_services.deadlines_transfer(
        subjects=[department], owner=handler2, actor=officer, reason="改派"
    )
    assert moved == 3
    for d in open_ones:
        d.refresh_from_db()
        assert d.owner == handler2
    closed.refresh_from_db()
    assert closed.owner == handler  # history stays as it was
    outbox = Outbox.objects.filter(channel="inapp")
    to_new = outbox.get(recipient=handler2)
    to_old = outbox.get(recipient=handler)
    assert "3" in to_new.subject and "3" in to_old.subject
    assert "报告0" in to_new.body and "改派" in to_new.body
    # Moving again to the same person changes nothing and tells nobody.
    assert (
        deadline_services.deadlines_transfer(subjects=[department], owner=handler2, actor=officer)
        == 0
    )
    assert Outbox.objects.count() == 4  # in-app + e-mail to each
