import pytest
from django.urls import reverse
from icalendar import Calendar

from notifications.delivery import deliver_batch
from notifications.models import InboxItem, Outbox
from notifications.services import calendar_feed_for, notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivered(handler, recorded_enqueues):
    ids = notify(
        recipients=[handler], subject="请审批首报", body="SJAQ-1", url="/x/", channels=["inapp"]
    )
    ids += notify(recipients=[handler], subject="第二条", channels=["inapp"])
    deliver_batch(ids)
    return ids


def test_unread_count_in_the_header_and_inbox(client_for, handler, delivered):
    client = client_for(handler)
    body = client.get(reverse("home")).content.decode()
    assert reverse("notifications:inbox") in body
    assert 'class="badge rounded-pill text-bg-danger"' in body and ">2</span>" in body
    assert "2 条未读消息" in body  # read out by screen readers
    body = client.get(reverse("notifications:inbox")).content.decode()
    assert "请审批首报" in body and "第二条" in body


def test_inbox_query_count(client_for, handler, delivered, django_assert_max_num_queries):
    client = client_for(handler)
    client.get(reverse("notifications:inbox"))
    with django_assert_max_num_queries(10):
        client.get(reverse("notifications:inbox"))


def test_mark_one_and_all_read(client_for, handler, staff, delivered, recorded_enqueues):
    deliver_batch(notify(recipients=[staff], subject="给别人", channels=["inapp"]))
    client = client_for(handler)
    first = InboxItem.objects.filter(user=handler).first()
    client.post(reverse("notifications:mark_read"), {"item": first.pk})
    assert InboxItem.objects.filter(user=handler, read_at__isnull=True).count() == 1
    client.post(reverse("notifications:mark_read"), {"all": "1"})
    assert not InboxItem.objects.filter(user=handler, read_at__isnull=True).exists()
    assert InboxItem.objects.filter(user=staff, read_at__isnull=True).count() == 1


def test_ics_feed_behind_a_secret_token(client, handler, report_kind_for_ics):
    feed = calendar_feed_for(user=handler)
    response = client.get(reverse("notifications:ics", args=[feed.token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["首报：SJAQ-2026-0001"]
    assert client.get(reverse("notifications:ics", args=["wrong"])).status_code == 404


def test_feed_reset_changes_the_address(client_for, handler):
    old = calendar_feed_for(user=handler).token
    client_for(handler).post(reverse("notifications:reset_feed"))
    assert calendar_feed_for(user=handler).token != old


def test_outbox_retry_action(client_for, officer, handler, recorded_enqueues):
    ids = notify(recipients=[handler], subject="x", channels=["inapp"])
    Outbox.objects.filter(pk__in=ids).update(state=Outbox.State.DEAD, attempts=8)
    response = client_for(officer).post(
        reverse("admin:notifications_outbox_changelist"),
        {"action": "retry", "_selected_action": ids},
    )
    assert response.status_code == 302
    assert set(Outbox.objects.values_list("state", "attempts")) == {(Outbox.State.PENDING, 0)}


def test_webhook_is_signed_when_a_secret_is_set(handler, recorded_enqueues, monkeypatch):
    import hashlib
    import hmac

    from notifications.models import WebhookEndpoint

    WebhookEndpoint.objects.create(name="合规群", url="https://robot.example/hook", secret="s3")
    posted = []

    def fake_post(url, *, body, headers, timeout):
        posted.append((url, body, headers, timeout))
        return 200, b""

    monkeypatch.setattr("notifications.channels.net.post", fake_post)
    deliver_batch(notify(recipients=[handler], subject="告警", channels=["webhook"]))
    url, data, headers, timeout = posted[0]
    expected = hmac.new(b"s3", headers["X-Timestamp"].encode() + b"." + data, hashlib.sha256)
    assert headers["X-Signature"] == "sha256=" + expected.hexdigest()
    assert headers["X-Delivery-Id"].startswith("n:") and timeout == 5
    assert Outbox.objects.get().state == Outbox.State.SENT
