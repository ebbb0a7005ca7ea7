"""Outbound webhooks (integrations subscriptions, notifications group robots) never reach an
internal address: refused when saved, and again after resolution when sent, through the
address that was checked; no redirect followed; no remote body stored."""

import socket

import pytest
from django.core.exceptions import ValidationError

from core import net
from core.errors import ApplicationError
from integrations import services
from integrations.models import Event, WebhookSubscription
from notifications.delivery import deliver_batch
from notifications.models import Outbox, WebhookEndpoint
from notifications.services import notify
from tests.integrations.test_webhooks import Receiver, make_incident

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded_enqueues(monkeypatch):
    """No broker: the outbox ids are delivered by the test itself."""
    monkeypatch.setattr("notifications.dispatch.enqueue_now", lambda ids: True)


INTERNAL = [
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.5/",
    "http://192.168.1.10/hook",
    "http://172.16.0.1/",
    "http://localhost:5432/",
    "http://api.localhost/",
    "http://127.0.0.1:8000/",
    "http://[::1]:5432/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:a9fe:a9fe]/",
    "http://[fe80::1]/",
    "http://[fc00::5]/",
    "http://[::]/",
    "http://0.0.0.0/",
    "http://224.0.0.1/",
    "http://240.0.0.1/",
    "http://100.64.0.1/",
    "http://2130706433/",
    "http://0177.0.0.1/",
    "http://0x7f.0.0.1/",
    "http://0x7f000001/",
    "http://127.1/",
]


def fake_resolver(monkeypatch, answers: dict):
    """socket.getaddrinfo answering `answers[name]` (a list, one entry per call; the last one
    repeats) and passing everything else through. Returns the calls per name."""
    real = socket.getaddrinfo
    calls = {}

    def getaddrinfo(host, port, *args, **kwargs):
        if host in answers:
            calls[host] = calls.get(host, 0) + 1
            sequence = answers[host]
            ip = sequence[min(calls[host], len(sequence)) - 1]
            family = socket.AF_INET6 if ":" in ip else socket.AF_INET
            return [(family, socket.SOCK_STREAM, 6, "", (ip, port or 80))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return calls


@pytest.mark.parametrize("url", INTERNAL)
def test_internal_addresses_are_refused_when_a_subscription_is_saved(officer, url):
    with pytest.raises(ApplicationError):
        services.subscription_create(
            actor=officer, name="x", url=url, events=[Event.INCIDENT_CREATED]
        )
    assert not WebhookSubscription.objects.exists()


@pytest.mark.parametrize("url", INTERNAL)
def test_internal_addresses_are_refused_for_group_robots(url):
    with pytest.raises(ValidationError) as info:
        WebhookEndpoint(name="robot", url=url).full_clean()
    assert "url" in info.value.message_dict


def test_the_api_refuses_an_internal_subscription(officer, client_for):
    response = client_for(officer).post(
        "/api/webhooks/",
        {"name": "meta", "url": "http://169.254.169.254/", "events": [Event.INCIDENT_CREATED]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert not WebhookSubscription.objects.exists()


def test_a_name_resolving_to_loopback_is_refused_when_saved(officer, monkeypatch):
    fake_resolver(monkeypatch, {"hooks.evil.example": ["127.0.0.1"]})
    with pytest.raises(ApplicationError):
        services.subscription_create(
            actor=officer,
            name="x",
            url="https://hooks.evil.example/a",
            events=[Event.INCIDENT_CREATED],
        )


def test_public_addresses_are_accepted(officer, monkeypatch):
    fake_resolver(monkeypatch, {"hooks.example.com": ["93.184.216.34"]})
    for url in ("https://hooks.example.com/a", "https://93.184.216.34/", "https://[2606:4700::1]/"):
        assert net.check_url(url) is None
    WebhookEndpoint(name="robot", url="https://hooks.example.com/x").full_clean()


def test_a_name_that_resolves_to_loopback_at_send_time_is_not_reached(
    officer, handler, monkeypatch
):
    with Receiver([]) as receiver:
        port = receiver.server.server_address[1]
        calls = fake_resolver(monkeypatch, {"hooks.rebind.example": ["93.184.216.34", "127.0.0.1"]})
        subscription = services.subscription_create(
            actor=officer,
            name="rebinding",
            url=f"http://hooks.rebind.example:{port}/hook",
            events=[Event.INCIDENT_CREATED],
        )
        assert calls["hooks.rebind.example"] == 1  # checked when saved: public then
        make_incident(handler)
        row = Outbox.objects.get(endpoint=subscription.endpoint)
        assert deliver_batch([row.pk]) == {"claimed": 1, "sent": 0, "failed": 1}
    assert receiver.requests == []
    row.refresh_from_db()
    assert row.state == Outbox.State.DEAD and row.last_error == "blocked-address"


def test_the_checked_address_is_the_one_connected_to(
    handler, recorded_enqueues, monkeypatch, settings
):
    """An allow-listed intranet robot: resolved once, the connection goes to that address, and
    the request still names the host (a second, different answer is never asked for)."""
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1/32"]
    with Receiver([]) as receiver:
        port = receiver.server.server_address[1]
        calls = fake_resolver(monkeypatch, {"robot.intra.example": ["127.0.0.1", "10.9.9.9"]})
        WebhookEndpoint.objects.create(name="内网群", url=f"http://robot.intra.example:{port}/r")
        ids = notify(recipients=[handler], subject="告警", channels=["webhook"])
        assert deliver_batch(ids)["sent"] == 1
    assert calls == {"robot.intra.example": 1}
    headers, _body = receiver.requests[0]
    assert headers["Host"] == f"robot.intra.example:{port}"


def test_allow_list_by_name_admits_private_but_never_loopback_or_metadata(monkeypatch, settings):
    settings.WEBHOOK_ALLOWED_HOSTS = ["robot.intra.example", "10.20.0.0/16"]
    fake_resolver(monkeypatch, {"robot.intra.example": ["10.1.2.3"]})
    assert net.check_url("http://robot.intra.example/hook") is None
    assert net.check_url("http://10.20.3.4/hook") is None
    assert net.check_url("http://10.21.3.4/hook") is not None
    assert [str(a) for a in net.resolve("robot.intra.example", 80)] == ["10.1.2.3"]
    fake_resolver(monkeypatch, {"robot.intra.example": ["127.0.0.1"]})
    with pytest.raises(net.OutboundError) as info:
        net.resolve("robot.intra.example", 80)
    assert info.value.reason == "blocked-address"


def test_redirects_are_not_followed(handler, recorded_enqueues, settings):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1/32"]
    with Receiver([302]) as receiver:
        WebhookEndpoint.objects.create(name="r", url=receiver.url)
        ids = notify(recipients=[handler], subject="告警", channels=["webhook"])
        assert deliver_batch(ids)["failed"] == 1
    assert len(receiver.requests) == 1
    row = Outbox.objects.get()
    assert row.state == Outbox.State.DEAD and row.last_error == "redirect: HTTP 302"


def test_a_refusal_stores_a_status_and_a_reason_never_the_body(
    officer, auditor, handler, client_for, settings
):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1/32"]
    with Receiver([400]) as receiver:
        subscription = services.subscription_create(
            actor=officer, name="soc", url=receiver.url, events=[Event.INCIDENT_CREATED]
        )
        make_incident(handler)
        row = Outbox.objects.get(endpoint=subscription.endpoint)
        deliver_batch([row.pk])
    row.refresh_from_db()
    assert row.last_error == "4xx: HTTP 400"
    response = client_for(auditor).get(f"/api/webhooks/{subscription.pk}/deliveries/")
    assert response.status_code == 200
    assert response.json()[0]["last_error"] == "4xx: HTTP 400"
    assert b"nope" not in response.content


def test_connection_failures_are_classified(handler, recorded_enqueues, settings):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1/32"]
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    WebhookEndpoint.objects.create(name="down", url=f"http://127.0.0.1:{port}/")
    deliver_batch(notify(recipients=[handler], subject="告警", channels=["webhook"]))
    row = Outbox.objects.get()
    assert row.state == Outbox.State.FAILED and row.last_error == "refused"


def test_bodies_stored_before_are_scrubbed(handler, recorded_enqueues):
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "notifications.migrations.0002_scrub_remote_bodies_from_last_error"
    )
    WebhookEndpoint.objects.create(name="old", url="https://hooks.example.com/x")
    (pk,) = notify(recipients=[handler], subject="告警", channels=["webhook"])
    Outbox.objects.filter(pk=pk).update(last_error="HTTP 403: <html>internal admin console")
    migration.scrub(apps, None)
    assert Outbox.objects.get(pk=pk).last_error == "4xx: HTTP 403"
