"""Issue 17, finding 6: no input makes the site answer 500. Each malformed input found by the
outside tester gets a 400 (or, for a body over the limit, a 413) with a message a Chinese user
can read: the site's default language, no Accept-Language header sent."""

import json
import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from governance.models import Counterparty
from incidents import services as incident_services
from incidents.models import Incident
from integrations.intake import compute_signature
from integrations.models import Alert, AlertSource
from reporting.models import RegulatoryReport, RiskIntelligence
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")


def texts(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from texts(item)
    else:
        yield str(value)


def assert_readable(response, status=400):
    """The status, and a message in Chinese: JSON for the API, a page otherwise."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    if response["Content-Type"].startswith("application/json"):
        message = " ".join(texts(response.json()))
    else:
        message = response.content.decode()
    assert CJK.search(message), message[:500]
    assert "Traceback" not in message and "Exception" not in message
    return message


@pytest.fixture
def web(client):
    """A test client that answers 500 like a server does instead of raising."""
    client.raise_request_exception = False
    return client


@pytest.fixture
def as_officer(web, db, department):
    officer = make_user("officer9", Role.COMPLIANCE_OFFICER, department=department)
    web.force_login(officer)
    web.user = officer
    return web


@pytest.fixture
def incident(as_officer):
    return incident_services.incident_create(
        title="客户数据疑似泄露",
        category=Incident.Category.DATA_SECURITY,
        source=Incident.Source.INTERNAL,
        discovered_at=timezone.now() - timedelta(hours=2),
        assignee=as_officer.user,
        actor=as_officer.user,
        cii_involved=True,
        affected_systems=[
            {"name": "集中交易系统", "category": "trading", "is_cii": True, "outage_minutes": 45}
        ],
    )


# --- counterparties ------------------------------------------------------------------------------


def test_counterparty_created_from_a_multipart_form(as_officer, department):
    response = as_officer.post(
        "/api/governance/counterparties/",
        {"kind": "internal", "name": "信息技术部", "department": department.pk},
    )
    assert response.status_code == 201, response.content
    assert Counterparty.objects.get().is_active


def test_counterparty_created_with_is_active_in_json(as_officer, department):
    response = as_officer.post(
        "/api/governance/counterparties/",
        {"kind": "internal", "name": "信息技术部", "department": department.pk, "is_active": False},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    # A new counterparty is always active; it is deactivated by a change (PATCH).
    counterparty = Counterparty.objects.get()
    assert counterparty.is_active and response.json()["is_active"] is True
    response = as_officer.patch(
        f"/api/governance/counterparties/{counterparty.pk}/",
        {"is_active": False},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["is_active"] is False


# --- query parameters ----------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/incidents/?assignee=abc", "/incidents/?assignee=abc"])
def test_a_non_numeric_assignee_filter(as_officer, incident, url):
    message = assert_readable(as_officer.get(url))
    assert "assignee" in message


@pytest.mark.parametrize(
    "url",
    [
        "/api/incidents/?q=a%00b",
        "/api/incidents/?status=new%00",
        "/incidents/?q=a%00b",
        "/incidents/?status=new%00",
        "/api/governance/counterparties/?search=%00",
        "/api/reporting/reports/?status=%00",
        "/audit/?q=%00",
    ],
)
def test_a_nul_byte_in_a_query_parameter(as_officer, incident, url):
    assert_readable(as_officer.get(url))


def test_a_nul_byte_in_a_form_field(as_officer, incident):
    response = as_officer.post(
        f"/incidents/{incident.pk}/timeline/",
        "text=%E5%B7%B2%E9%9A%94%E7%A6%BB%00&kind=note",
        content_type="application/x-www-form-urlencoded",
    )
    assert_readable(response)
    response = as_officer.post(
        "/api/governance/counterparties/", {"kind": "internal", "name": "某某\x00科技"}
    )
    assert_readable(response)
    assert not Counterparty.objects.exists()


# --- dates and times -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "2026-03-01T09:00:00+22:10",
        "2026-03-01T09:00:00-23:59",
        "0001-01-01T00:00:00",
        "0001-01-01T00:00:00+08:00",
        "9999-12-31T23:59:59",
    ],
)
def test_implausible_date_times_are_refused_with_a_message(as_officer, incident, value):
    api = as_officer
    create = api.post(
        "/api/incidents/",
        {"title": "测试", "category": "malware", "source": "internal", "discovered_at": value},
        content_type="application/json",
    )
    assert_readable(create)
    timeline = api.post(
        f"/api/incidents/{incident.pk}/timeline/",
        {"text": "已隔离主机", "at": value},
        content_type="application/json",
    )
    assert_readable(timeline)
    task = api.post(
        f"/api/incidents/{incident.pk}/tasks/",
        {"title": "取证", "due_at": value},
        content_type="application/json",
    )
    assert_readable(task)
    intelligence = api.post(
        "/api/reporting/intelligence/",
        {"kind": "leak", "summary": "暗网出售", "source": "监测", "observed_at": value},
        content_type="application/json",
    )
    assert_readable(intelligence)
    assert not RiskIntelligence.objects.exists()
    assert Incident.objects.count() == 1


def test_a_far_offset_in_range_is_stored_as_the_same_instant(as_officer, incident):
    """+14:00 exists (Kiribati); it is a valid offset and means the same instant in UTC."""
    response = as_officer.post(
        f"/api/incidents/{incident.pk}/timeline/",
        {"text": "已隔离主机", "at": "2026-03-01T09:00:00+14:00"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    entry = incident.timeline.get(pk=response.json()["id"])
    assert entry.at == datetime(2026, 2, 28, 19, 0, tzinfo=UTC)


# --- report content ------------------------------------------------------------------------------


@pytest.fixture
def report(incident, as_officer):
    incident_services.incident_grade(
        incident=incident, actor=as_officer.user, grade="III", reason="按事实定级"
    )
    return RegulatoryReport.objects.filter(incident=incident).first()


@pytest.mark.parametrize("content", ["null", "[1, 2]", '"text"', "{"])
def test_report_content_that_is_not_an_object(as_officer, report, content):
    from django.test.client import MULTIPART_CONTENT

    response = as_officer.patch(
        f"/api/reporting/reports/{report.pk}/",
        as_officer._encode_data({"content": content}, MULTIPART_CONTENT),
        content_type=MULTIPART_CONTENT,
    )
    assert_readable(response)


def test_report_content_with_a_nul_character(as_officer, report):
    response = as_officer.patch(
        f"/api/reporting/reports/{report.pk}/",
        {"content": {"summary": "泄露\u0000"}},
        content_type="application/json",
    )
    assert_readable(response)


def test_json_body_nested_too_deep(as_officer, report):
    body = '{"content": ' + "[" * 5000 + "]" * 5000 + "}"
    response = as_officer.patch(
        f"/api/reporting/reports/{report.pk}/", body, content_type="application/json"
    )
    assert_readable(response)


# --- signed alert intake -------------------------------------------------------------------------


@pytest.fixture
def source(db):
    return AlertSource.objects.create(
        name="SIEM", slug="siem", kind="siem", default_category="network_attack"
    )


def signed(web, source, body: bytes):
    ts = str(int(time.time()))
    return web.post(
        f"/api/alerts/{source.slug}/",
        data=body,
        content_type="application/json",
        HTTP_X_TIMESTAMP=ts,
        HTTP_X_SIGNATURE="sha256=" + compute_signature(source.secret, ts, body),
    )


def alert(**extra) -> bytes:
    return json.dumps({"id": "SIEM-1", "title": "异常登录", **extra}, ensure_ascii=False).encode()


@pytest.mark.parametrize(
    "body",
    [
        alert(occurred_at="0001-01-01T00:00:00"),
        alert(occurred_at="9999-12-31T23:59:59"),
        alert(occurred_at="2026-03-01T09:00:00+22:10"),
        b'{"id": "SIEM-1", "title": "NaN", "score": NaN}',
        b'{"id": "SIEM-1", "title": "inf", "score": -Infinity}',
        b'{"id": "SIEM-1", "title": "deep", "raw": ' + b"[" * 5000 + b"]" * 5000 + b"}",
        alert(title="异常\u0000登录"),
        alert(extra={"host": "db\u00001"}),
    ],
    ids=[
        "naive-year-1",
        "year-9999",
        "offset-22:10",
        "nan",
        "infinity",
        "deep",
        "nul",
        "nul-in-extra",
    ],
)
def test_signed_alert_with_a_malformed_body(web, source, body):
    response = signed(web, source, body)
    assert_readable(response)
    assert not Alert.objects.exists()


def test_an_oversized_alert_body_gets_a_json_413(web, source):
    for size in (300 * 1024, 11 * 1024 * 1024):
        body = alert(description="x" * size)
        response = signed(web, source, body)
        assert response.status_code == 413, (size, response.status_code)
        assert response.json()["code"] == "too_large"
        assert CJK.search(response.json()["detail"])
