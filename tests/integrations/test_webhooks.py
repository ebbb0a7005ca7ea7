import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from core.errors import ApplicationError
from incidents import services as incident_services
from integrations import services, webhooks
from integrations.models import Event, WebhookSubscription
from notifications.delivery import deliver_batch, outbox_sweep
from notifications.models import Outbox

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _local_receiver_allowed(settings):
    """The receiver below listens on 127.0.0.1, an internal address: allow-listed here only."""
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1/32"]


class Receiver:
    """A local HTTP server answering with the next status of `statuses` (then 200)."""

    def __init__(self, statuses):
        self.statuses = list(statuses)
        self.requests = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok" if status < 400 else b"nope")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def make_incident(actor, title="交易系统遭受 DDoS 攻击"):
    return incident_services.incident_create(
        title=title,
        category="network_attack",
        source="internal",
        discovered_at=timezone.now() - timedelta(hours=1),
        actor=actor,
        assignee=actor,
    )


def _valid_signature(secret, headers, body):
    expected = hmac.new(
        secret.encode(), headers["X-Timestamp"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(headers["X-Signature"], "sha256=" + expected)


def test_webhook_that_fails_then_succeeds_is_delivered_once_signed(officer, handler):
    with Receiver([500]) as receiver:
        subscription = services.subscription_create(
            actor=officer, name="SOC 平台", url=receiver.url, events=[Event.INCIDENT_CREATED]
        )
        incident = make_incident(handler)
        row = Outbox.objects.get(endpoint=subscription.endpoint)
        assert row.state == Outbox.State.PENDING

        first = deliver_batch([row.pk])
        assert first == {"claimed": 1, "sent": 0, "failed": 1}
        row.refresh_from_db()
        assert row.state == Outbox.State.FAILED and row.last_error == "5xx: HTTP 500"

        # Backoff: nothing happens before it is over; after it the sweep hands the row out.
        later = row.next_attempt_at + timedelta(seconds=1)
        assert outbox_sweep(now=row.next_attempt_at - timedelta(seconds=1))["requeued"] == 0
        with time_machine.travel(later, tick=False):
            assert outbox_sweep(now=later)["requeued"] == 1
            assert deliver_batch([row.pk]) == {"claimed": 1, "sent": 1, "failed": 0}
        # Delivered: nothing more to do however often the workers look again.
        assert deliver_batch([row.pk])["claimed"] == 0
        assert outbox_sweep(now=later + timedelta(hours=2))["requeued"] == 0

    row.refresh_from_db()
    assert row.state == Outbox.State.SENT and row.attempts == 2
    assert len(receiver.requests) == 2
    (h1, b1), (h2, b2) = receiver.requests
    assert h1["X-Delivery-Id"] == h2["X-Delivery-Id"] == row.key  # the receiver can dedupe
    for headers, body in receiver.requests:
        assert _valid_signature(subscription.secret, headers, body)
    envelope = json.loads(b2)
    event = json.loads(envelope["body"])
    assert event["event"] == "incident.created"
    assert event["data"]["reference"] == incident.reference
    assert event["data"]["title"] == "交易系统遭受 DDoS 攻击"
    assert envelope["id"] == row.key


def test_only_subscribed_events_and_active_subscriptions(officer, handler):
    graded = services.subscription_create(
        actor=officer,
        name="grades",
        url="https://hooks.example.com/a",
        events=[Event.INCIDENT_GRADED, Event.INCIDENT_REGRADED],
    )
    off = services.subscription_create(
        actor=officer, name="off", url="https://hooks.example.com/b", events=list(Event.values)
    )
    services.subscription_set_active(subscription=off, actor=officer, active=False)
    incident = make_incident(handler)
    assert not Outbox.objects.filter(endpoint__in=[graded.endpoint, off.endpoint]).exists()
    incident_services.incident_grade(incident=incident, actor=officer, grade="IV", reason="初判")
    incident_services.incident_grade(incident=incident, actor=officer, grade="III", reason="升级")
    subjects = sorted(
        Outbox.objects.filter(endpoint=graded.endpoint).values_list("subject", flat=True)
    )
    assert [s.split(":")[0] for s in subjects] == ["incident.graded", "incident.regraded"]
    assert not Outbox.objects.filter(endpoint=off.endpoint).exists()


def test_subscription_endpoint_never_gets_reminder_steps(officer):
    from notifications.services import build_rows

    subscription = services.subscription_create(
        actor=officer, name="x", url="https://hooks.example.com/x", events=[Event.DEADLINE_MISSED]
    )
    rows = build_rows(
        key_prefix="t",
        recipients=[],
        channels=["webhook"],
        subject="s",
        body="",
        url="",
        scheduled_for=timezone.now(),
        now=timezone.now(),
    )
    assert subscription.endpoint_id not in [r.endpoint_id for r in rows]


def test_disabled_after_repeated_permanent_failures(officer, handler, settings):
    settings.INTEGRATIONS_WEBHOOK_DISABLE_AFTER = 3
    with Receiver([410, 410, 410, 410]) as receiver:
        subscription = services.subscription_create(
            actor=officer, name="gone", url=receiver.url, events=[Event.INCIDENT_CREATED]
        )
        for n in range(3):
            make_incident(handler, title=f"事件 {n}")
            ids = list(
                Outbox.objects.filter(endpoint=subscription.endpoint, state="pending").values_list(
                    "id", flat=True
                )
            )
            deliver_batch(ids)
            if n < 2:
                assert services.subscriptions_check() == []
    assert Outbox.objects.filter(endpoint=subscription.endpoint, state="dead").count() == 3
    assert [s.pk for s in services.subscriptions_check()] == [subscription.pk]
    subscription.refresh_from_db()
    assert not subscription.active and "HTTP 410" in subscription.disabled_reason
    # Its owner is told; no more deliveries are queued.
    assert Outbox.objects.filter(recipient=officer, subject__contains="gone").exists()
    make_incident(handler, title="之后")
    assert Outbox.objects.filter(endpoint=subscription.endpoint).count() == 3
    # Enabled again, earlier failures no longer count.
    services.subscription_set_active(subscription=subscription, actor=officer, active=True)
    assert services.subscriptions_check() == []


def test_a_success_resets_the_failure_count(officer, handler, settings):
    settings.INTEGRATIONS_WEBHOOK_DISABLE_AFTER = 2
    with Receiver([400, 200, 400]) as receiver:
        subscription = services.subscription_create(
            actor=officer, name="flaky", url=receiver.url, events=[Event.INCIDENT_CREATED]
        )
        for n in range(3):
            make_incident(handler, title=f"事件 {n}")
            deliver_batch(
                Outbox.objects.filter(endpoint=subscription.endpoint, state="pending").values_list(
                    "id", flat=True
                )
            )
    assert services.subscriptions_check() == []


def test_deadline_missed_and_agreement_expiring_events(officer, handler):
    from deadlines.models import Deadline
    from deadlines.signals import deadline_missed

    subscription = services.subscription_create(
        actor=officer,
        name="all",
        url="https://hooks.example.com/all",
        events=[Event.DEADLINE_MISSED, Event.AGREEMENT_EXPIRING],
    )
    deadline = Deadline(pk=42, title="首报到期", url="/x/", revision=1)
    deadline.content_type_id = None
    # The real sweeper sends this; the receiver must not need more than the signal gives.
    from django.contrib.contenttypes.models import ContentType

    deadline.content_type = ContentType.objects.get_for_model(WebhookSubscription)
    deadline.object_id = subscription.pk
    deadline.due_at = timezone.now()
    deadline.missed_at = timezone.now()
    deadline_missed.send(sender=Deadline, deadline=deadline)
    deadline_missed.send(sender=Deadline, deadline=deadline)  # once per revision
    rows = Outbox.objects.filter(endpoint=subscription.endpoint)
    assert [r.subject for r in rows] == ["deadline.missed: 首报到期"]

    assert webhooks.agreements_expiring_publish() == 0  # no agreements: nothing, no error


def test_subscription_validation_and_rights(officer, handler, auditor):
    with pytest.raises(ApplicationError):
        services.subscription_create(
            actor=officer, name="x", url="ftp://a", events=[Event.INCIDENT_CREATED]
        )
    with pytest.raises(ApplicationError):
        services.subscription_create(actor=officer, name="x", url="https://a.example", events=[])
    with pytest.raises(ApplicationError):
        services.subscription_create(
            actor=officer, name="x", url="https://a.example", events=["incident.deleted"]
        )
    for user in (handler, auditor):
        with pytest.raises(ApplicationError):
            services.subscription_create(
                actor=user, name="x", url="https://a.example", events=[Event.INCIDENT_CREATED]
            )


def test_webhook_pages(client_for, officer, auditor, handler):
    web = client_for(officer)
    response = web.post(
        reverse("integrations:webhooks"),
        {"name": "SOC", "url": "https://soc.example.com/hook", "events": ["incident.created"]},
    )
    subscription = WebhookSubscription.objects.get()
    assert response.status_code == 302
    page = web.get(reverse("integrations:webhook-detail", args=[subscription.pk]))
    assert page.status_code == 200 and subscription.secret in page.content.decode()
    # Shown once: never again, to anyone (whoever holds it could forge deliveries).
    page = web.get(reverse("integrations:webhook-detail", args=[subscription.pk]))
    assert page.status_code == 200 and subscription.secret not in page.content.decode()
    web.post(reverse("integrations:webhook-disable", args=[subscription.pk]))
    subscription.refresh_from_db()
    assert not subscription.active
    web.force_login(auditor)
    page = web.get(reverse("integrations:webhook-detail", args=[subscription.pk]))
    assert page.status_code == 200 and subscription.secret not in page.content.decode()
    assert (
        web.post(reverse("integrations:webhook-enable", args=[subscription.pk])).status_code == 403
    )
    web.force_login(handler)
    assert web.get(reverse("integrations:webhooks")).status_code == 403
