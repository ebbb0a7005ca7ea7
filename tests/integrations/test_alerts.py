import json
import time
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from core.errors import ApplicationError
from incidents import services as incident_services
from incidents.models import Incident, TimelineEntry
from integrations import services
from integrations.intake import compute_signature
from integrations.models import Alert, AlertReceipt, AlertSource

pytestmark = pytest.mark.django_db


@pytest.fixture
def source(db):
    return AlertSource.objects.create(
        name="SIEM（安全运营中心）", slug="siem", kind="siem", default_category="network_attack"
    )


def payload(**extra):
    data = {
        "id": "SIEM-1001",
        "title": "核心交易系统异常登录",
        "severity": "high",
        "description": "同一账号 5 分钟内从 3 个省份登录",
        "occurred_at": "2026-03-02T09:15:00+08:00",
        "url": "https://siem.example.com/alerts/1001",
    }
    data.update(extra)
    return json.dumps(data, ensure_ascii=False).encode()


def post(client, source, body, *, timestamp=None, secret=None, signature=None, slug=None):
    ts = str(int(time.time())) if timestamp is None else str(timestamp)
    sig = signature or "sha256=" + compute_signature(secret or source.secret, ts, body)
    return client.post(
        f"/api/alerts/{slug or source.slug}/",
        data=body,
        content_type="application/json",
        HTTP_X_TIMESTAMP=ts,
        HTTP_X_SIGNATURE=sig,
    )


def test_signed_alert_lands_in_triage(client, source):
    response = post(client, source, payload())
    assert response.status_code == 201, response.content
    alert = Alert.objects.get()
    assert response.json() == {
        "id": alert.pk,
        "created": True,
        "state": "new",
        "times_received": 1,
    }
    assert alert.external_id == "SIEM-1001" and alert.severity == "high"
    assert alert.occurred_at.isoformat() == "2026-03-02T01:15:00+00:00"
    assert alert.payload["url"] == "https://siem.example.com/alerts/1001"


def test_bad_signature_refused(client, source):
    response = post(client, source, payload(), secret="not-the-secret")
    assert response.status_code == 401
    assert response.json()["code"] == "bad_signature"
    # Body changed after signing.
    ts = str(int(time.time()))
    sig = compute_signature(source.secret, ts, payload())
    response = post(client, source, payload(title="篡改"), timestamp=ts, signature=sig)
    assert response.status_code == 401
    assert not Alert.objects.exists()


def test_unknown_or_inactive_source_refused_like_a_bad_signature(client, source):
    assert post(client, source, payload(), slug="nobody").status_code == 401
    source.active = False
    source.save()
    assert post(client, source, payload()).status_code == 401
    assert not Alert.objects.exists()


def test_stale_timestamp_refused(client, source):
    old = int(time.time()) - 301
    response = post(client, source, payload(), timestamp=old)
    assert response.status_code == 401
    assert response.json()["code"] == "stale_timestamp"
    future = int(time.time()) + 301
    assert post(client, source, payload(), timestamp=future).status_code == 401
    # Within the window (and in milliseconds) is fine.
    assert (
        post(client, source, payload(), timestamp=int(time.time() * 1000) - 60000).status_code
        == 201
    )


def test_replay_refused(client, source):
    ts = str(int(time.time()))
    body = payload()
    sig = "sha256=" + compute_signature(source.secret, ts, body)
    first = post(client, source, body, timestamp=ts, signature=sig)
    assert first.status_code == 201
    again = post(client, source, body, timestamp=ts, signature=sig)
    assert again.status_code == 409
    assert again.json()["code"] == "replay"
    assert Alert.objects.get().times_received == 1


def test_replay_after_the_window_is_stale(client, source):
    ts = str(int(time.time()))
    body = payload()
    sig = compute_signature(source.secret, ts, body)
    assert post(client, source, body, timestamp=ts, signature=sig).status_code == 201
    with time_machine.travel(timezone.now() + timedelta(minutes=20)):
        assert services.receipts_prune() == 1
        response = post(client, source, body, timestamp=ts, signature=sig)
    assert response.status_code == 401
    assert response.json()["code"] == "stale_timestamp"
    assert Alert.objects.get().times_received == 1


def test_same_alert_twice_makes_one_triage_item(client, source):
    first = post(client, source, payload())
    time.sleep(1.01)  # a new timestamp: a new, validly signed request for the same alert
    second = post(client, source, payload(title="核心交易系统异常登录（再次）"))
    assert first.status_code == 201 and second.status_code == 200
    assert second.json()["created"] is False and second.json()["times_received"] == 2
    alert = Alert.objects.get()
    assert alert.times_received == 2 and alert.title == "核心交易系统异常登录"
    assert AlertReceipt.objects.count() == 2
    # Another source's alert with the same id is a different item.
    other = AlertSource.objects.create(name="DLP", slug="dlp", kind="dlp")
    assert post(client, other, payload()).status_code == 201
    assert Alert.objects.count() == 2


@pytest.mark.parametrize(
    "body,field",
    [
        (b"not json", "JSON"),
        (b"[1, 2]", "JSON"),
        (json.dumps({"title": "x"}).encode(), "id"),
        (json.dumps({"id": "1"}).encode(), "title"),
        (json.dumps({"id": "1", "title": "x", "severity": "apocalyptic"}).encode(), "severity"),
        (json.dumps({"id": "1", "title": "x", "occurred_at": "yesterday"}).encode(), "occurred_at"),
        (json.dumps({"id": "1", "title": "x", "category": "nonsense"}).encode(), "category"),
        (json.dumps({"id": "1", "title": "x", "url": "javascript:alert(1)"}).encode(), "url"),
        (json.dumps({"id": {"a": 1}, "title": "x"}).encode(), "id"),
    ],
)
def test_bad_payload_refused(client, source, body, field):
    response = post(client, source, body)
    assert response.status_code == 400
    assert field in response.json()["detail"]
    assert not Alert.objects.exists()
    assert not AlertReceipt.objects.exists()


def test_promote_opens_incident_through_incidents_service(client, source, handler):
    post(client, source, payload())
    alert = Alert.objects.get()
    alert = services.alert_promote(alert=alert, actor=handler)
    incident = alert.incident
    assert alert.state == Alert.State.PROMOTED and alert.handled_by == handler
    assert incident.reference.startswith("SJAQ-")
    assert incident.category == "network_attack"  # the source's default
    assert incident.source == Incident.Source.INTERNAL
    assert incident.assignee == handler
    assert "SIEM-1001" in incident.description
    with pytest.raises(ApplicationError):
        services.alert_dismiss(alert=alert, actor=handler, reason="重复")


def test_merge_into_open_incident(client, source, handler):
    post(client, source, payload())
    alert = Alert.objects.get()
    incident = incident_services.incident_create(
        title="异常登录排查",
        category="network_attack",
        source="internal",
        discovered_at=timezone.now() - timedelta(hours=1),
        actor=handler,
        assignee=handler,
    )
    alert = services.alert_merge(alert=alert, incident=incident, actor=handler)
    assert alert.state == Alert.State.MERGED and alert.incident == incident
    assert TimelineEntry.objects.filter(incident=incident, text__contains="SIEM-1001").exists()


def test_dismiss_needs_reason_and_a_triager(client, source, handler, staff, auditor):
    post(client, source, payload())
    alert = Alert.objects.get()
    with pytest.raises(ApplicationError):
        services.alert_dismiss(alert=alert, actor=handler, reason=" ")
    for outsider in (staff, auditor):
        with pytest.raises(ApplicationError):
            services.alert_dismiss(alert=alert, actor=outsider, reason="误报")
    alert = services.alert_dismiss(alert=alert, actor=handler, reason="误报：测试账号")
    assert alert.state == Alert.State.DISMISSED


def test_triage_pages(client, client_for, source, handler, staff):
    post(client, source, payload())
    alert = Alert.objects.get()
    web = client_for(handler)
    queue = web.get(reverse("integrations:alert-queue"))
    assert queue.status_code == 200 and "核心交易系统异常登录" in queue.content.decode()
    detail = web.get(reverse("integrations:alert-detail", args=[alert.pk]))
    assert detail.status_code == 200
    response = web.post(
        reverse("integrations:alert-promote", args=[alert.pk]),
        {"title": "异常登录", "category": "network_attack"},
    )
    alert.refresh_from_db()
    assert alert.state == Alert.State.PROMOTED
    assert response.status_code == 302 and response["Location"] == alert.incident.get_absolute_url()
    web.force_login(staff)
    assert web.get(reverse("integrations:alert-queue")).status_code == 403
    assert web.get(reverse("integrations:alert-detail", args=[alert.pk])).status_code == 404


def test_triage_api(client, source, handler):
    post(client, source, payload())
    alert = Alert.objects.get()
    _t, raw = services.token_create(user=handler, name="soar", scope="write")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    listing = client.get("/api/alerts/queue/?state=new", **auth).json()
    assert [a["external_id"] for a in listing["results"]] == ["SIEM-1001"]
    response = client.post(
        f"/api/alerts/queue/{alert.pk}/dismiss/",
        {"reason": "误报"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200 and response.json()["state"] == "dismissed"
    response = client.post(
        f"/api/alerts/queue/{alert.pk}/dismiss/",
        {"reason": "again"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 400


def test_overlong_text_is_refused_not_truncated(client, client_for, source, handler):
    response = post(client, source, payload(description="长" * 20001))
    assert response.status_code == 400 and not Alert.objects.exists()
    post(client, source, payload())
    alert = Alert.objects.get()
    web = client_for(handler)
    response = web.post(
        reverse("integrations:alert-dismiss", args=[alert.pk]),
        {"reason": "误" * 2001},
    )
    assert response.status_code == 200
    assert "2000" in response.content.decode()
    alert.refresh_from_db()
    assert alert.state != Alert.State.DISMISSED and alert.dismiss_reason == ""


def test_alert_notifies_the_triagers_and_waits_until_handled(
    client, source, handler, officer, staff
):
    from deadlines.models import Deadline
    from notifications.models import Outbox

    post(client, source, payload())
    alert = Alert.objects.get()
    clock = Deadline.objects.get(kind__code="integrations.alert.triage", object_id=alert.pk)
    assert clock.state == Deadline.State.OPEN
    told = set(
        Outbox.objects.filter(
            key__startswith="e:integrations.alert.arrived", channel="inapp"
        ).values_list("recipient_id", flat=True)
    )
    assert {handler.pk, officer.pk} <= told and staff.pk not in told
    # The same alert again: counted, not announced twice.
    post(client, source, payload())
    assert Deadline.objects.filter(kind__code="integrations.alert.triage").count() == 1
    services.alert_dismiss(alert=alert, actor=handler, reason="误报")
    clock.refresh_from_db()
    assert clock.state == Deadline.State.MET
