"""The operator's view (issue 21.7): /metrics scraped as Prometheus would, its figures checked
against rows the test made; access by network or token; JSON log lines."""

import json
import logging
from datetime import timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from accounts.policy import SYSTEM
from deadlines import services as deadline_services
from deadlines.models import Deadline
from deadlines.seed import ensure_kind
from notifications.models import Outbox

pytestmark = pytest.mark.django_db


def scrape(client, **extra) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", **extra)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def outbox(key, *, channel="email", state=Outbox.State.PENDING, minutes_ago=0):
    return Outbox.objects.create(
        key=key,
        channel=channel,
        subject="提醒",
        state=state,
        scheduled_for=timezone.now() - timedelta(minutes=minutes_ago),
    )


def test_scrape_reports_outbox_sweep_and_audit_figures(client, handler):
    outbox("a", minutes_ago=30)
    outbox("b", minutes_ago=5)
    outbox("c", minutes_ago=-60)  # not due yet: counted in the backlog, not in the age
    outbox("d", state=Outbox.State.FAILED, channel="webhook", minutes_ago=10)
    outbox("e", state=Outbox.State.DEAD, channel="email", minutes_ago=90)
    outbox("f", state=Outbox.State.SENT)

    ensure_kind(apps, code="ops.test", label="测试", steps=[{"offset": "-1h"}])
    deadline = deadline_services.deadline_create(
        subject=handler,
        kind="ops.test",
        due_at=timezone.now() + timedelta(days=2),
        owner=handler,
        title="首报",
        actor=SYSTEM,
    )
    Deadline.objects.filter(pk=deadline.pk).update(
        next_fire_at=timezone.now() - timedelta(minutes=7)
    )
    call_command("verify_audit_log", stdout=open("/dev/null", "w"))  # noqa: SIM115

    m = scrape(client)
    assert m[("ir_outbox_backlog", (("state", "pending"),))] == 3
    assert m[("ir_outbox_backlog", (("state", "failed"),))] == 1
    assert m[("ir_outbox_backlog", (("state", "dead"),))] == 1
    assert m[("ir_outbox_backlog", (("state", "sending"),))] == 0
    # The oldest due and unsent is "a" (30 min; the failed one is 10 min, the dead one gave up).
    age = m[("ir_outbox_oldest_pending_age_seconds", ())]
    assert 30 * 60 <= age < 31 * 60
    assert m[("ir_outbox_delivery_failures", (("channel", "webhook"), ("state", "failed")))] == 1
    assert m[("ir_outbox_delivery_failures", (("channel", "email"), ("state", "dead")))] == 1
    assert m[("ir_outbox_delivery_failures", (("channel", "email"), ("state", "failed")))] == 0
    lag = m[("ir_deadline_sweep_lag_seconds", ())]
    assert 7 * 60 <= lag < 8 * 60
    assert m[("ir_deadline_steps_due", ())] == 1
    verified = m[("ir_audit_chain_last_verified_timestamp_seconds", ())]
    assert abs(verified - timezone.now().timestamp()) < 60
    assert m[("ir_audit_chain_intact", ())] == 1
    for source in ("outbox", "deadline-sweep", "audit-chain", "liveness"):
        assert m[("ir_metrics_source_up", (("source", source),))] == 1


def test_quiet_system_scrapes_zeros(client):
    m = scrape(client)
    assert m[("ir_outbox_oldest_pending_age_seconds", ())] == 0
    assert m[("ir_deadline_sweep_lag_seconds", ())] == 0
    assert m[("ir_audit_chain_last_verified_timestamp_seconds", ())] == 0


def test_broken_chain_shows_as_not_intact(client):
    from audit.ops_metrics import record_verification

    record_verification(ok=True)
    record_verification(ok=False)
    assert scrape(client)[("ir_audit_chain_intact", ())] == 0


def test_other_networks_need_the_token(client):
    outside = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.get("/metrics", **outside).status_code == 403
    with override_settings(METRICS_TOKEN="s3cret-token-for-prometheus"):
        assert (
            client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong", **outside).status_code == 403
        )
        m = scrape(client, HTTP_AUTHORIZATION="Bearer s3cret-token-for-prometheus", **outside)
        assert ("ir_outbox_backlog", (("state", "pending"),)) in m
    with override_settings(METRICS_ALLOWED_NETWORKS=["203.0.113.0/24"]):
        assert client.get("/metrics", **outside).status_code == 200
        assert client.get("/metrics").status_code == 403  # loopback no longer listed


def test_json_log_lines():
    options = dict(settings.LOGGING["formatters"]["json"])
    factory = options.pop("()")
    assert factory == "pythonjsonlogger.json.JsonFormatter"
    from pythonjsonlogger.json import JsonFormatter

    formatter = JsonFormatter(**options)
    record = logging.LogRecord(
        "incidents", logging.WARNING, __file__, 1, "上报逾期 %s", ("X",), None
    )
    line = json.loads(formatter.format(record))
    assert line["level"] == "WARNING" and line["logger"] == "incidents"
    assert line["message"] == "上报逾期 X" and "time" in line
