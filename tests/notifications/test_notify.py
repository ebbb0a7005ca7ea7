import pytest
from django.core import mail

from core.errors import ApplicationError
from notifications.delivery import deliver_batch
from notifications.models import InboxItem, Outbox
from notifications.services import inbox_mark_read, notify

pytestmark = pytest.mark.django_db


def test_notify_with_a_dedupe_key_is_sent_once(
    handler, staff, recorded_enqueues, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ids = notify(
            recipients=[handler, staff],
            subject="报告待审批",
            body="SJAQ-2026-0001 首报待审批",
            url="/reports/15/",
            dedupe_key="report:15:approval-requested",
        )
    assert len(ids) == 4 and recorded_enqueues == [ids]
    again = notify(
        recipients=[handler, staff], subject="again", dedupe_key="report:15:approval-requested"
    )
    assert Outbox.objects.count() == 4
    assert again == ids  # still pending: handed out again, claimed at most once
    deliver_batch(ids)
    deliver_batch(ids)
    assert (
        notify(recipients=[handler], subject="x", dedupe_key="report:15:approval-requested") == []
    )
    assert InboxItem.objects.count() == 2
    assert len(mail.outbox) == 2
    message = mail.outbox[0]
    assert message.extra_headers["X-Dedupe-Key"].startswith("n:report:15:approval-requested")
    assert message.extra_headers["Message-ID"].startswith("<")
    assert message.alternatives[0][1] == "text/html"
    assert set(Outbox.objects.values_list("state", "attempts")) == {(Outbox.State.SENT, 1)}


def test_notify_without_a_key_sends_each_time(handler, recorded_enqueues):
    notify(recipients=[handler], subject="a", channels=["inapp"])
    notify(recipients=[handler], subject="a", channels=["inapp"])
    assert Outbox.objects.count() == 2


def test_notify_validates(handler):
    with pytest.raises(ApplicationError):
        notify(recipients=[handler], subject="a", channels=["pigeon"])
    with pytest.raises(ApplicationError):
        notify(recipients=[handler], subject=" ")


def test_mark_read(handler, staff, recorded_enqueues):
    ids = notify(recipients=[handler, staff], subject="s", channels=["inapp"])
    deliver_batch(ids)
    mine = InboxItem.objects.get(user=handler)
    assert inbox_mark_read(user=staff, item_ids=[mine.pk]) == 0  # not someone else's
    assert inbox_mark_read(user=handler, item_ids=[mine.pk]) == 1
    assert inbox_mark_read(user=staff) == 1
