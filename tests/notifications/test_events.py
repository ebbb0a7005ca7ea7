"""Event notifications: in-app always, e-mail by the recipient's preference."""

import pytest
from django.urls import reverse

from notifications.events import kinds, notify_event
from notifications.models import InboxItem, Outbox

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    monkeypatch.setattr("notifications.dispatch.enqueue_now", lambda ids: True)


def test_event_reaches_inbox_always_and_email_by_preference(handler, handler2):
    handler2.event_email = False
    handler2.save()
    notify_event(
        kind="deadline.transferred",
        recipients=[handler, handler2],
        subject="测试事件",
        url="/notifications/",
        key="t1",
    )
    notify_event(  # the same occurrence again: nothing more
        kind="deadline.transferred", recipients=[handler, handler2], subject="测试事件", key="t1"
    )
    channels = sorted(Outbox.objects.values_list("recipient__username", "channel"))
    assert channels == [("handler", "email"), ("handler", "inapp"), ("handler2", "inapp")]


def test_unregistered_kind_is_a_programming_error(handler):
    with pytest.raises(KeyError):
        notify_event(kind="no.such.kind", recipients=[handler], subject="x", key="k")


def test_preferences_page_saves_the_email_choice(client, staff):
    client.force_login(staff)
    page = client.get(reverse("notifications:preferences"))
    assert page.status_code == 200
    for kind in kinds().values():
        assert str(kind.label) in page.content.decode()
    answer = client.post(
        reverse("notifications:preferences"),
        {"preferred_language": "zh-hans", "event_email": ""},
    )
    assert answer.status_code == 302
    staff.refresh_from_db()
    assert staff.event_email is False
    assert InboxItem.objects.count() == 0
