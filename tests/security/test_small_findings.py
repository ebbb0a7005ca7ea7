"""Issue 17, finding 7: the smaller findings of the security review."""

import socket
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed once the socket is: nothing listens there


@pytest.fixture
def broker_down(settings):
    """The project's Celery app points at a local Redis port where nothing listens, with the
    options production uses for a Redis broker (base settings)."""
    from config.celery_app import app

    old_url, old_options = app.conf.broker_url, app.conf.broker_transport_options
    app.conf.broker_url = f"redis://127.0.0.1:{_closed_port()}/8"
    options = getattr(settings, "BROKER_FAIL_FAST", {})
    app.conf.broker_transport_options = {"visibility_timeout": 3600, **options}
    app.close()  # drop pooled connections to the old broker
    yield
    app.conf.broker_url, app.conf.broker_transport_options = old_url, old_options
    app.close()


def test_creating_an_incident_while_the_broker_is_down_answers_quickly_and_keeps_the_work(
    client, department, broker_down, django_capture_on_commit_callbacks
):
    from integrations.models import WebhookSubscription
    from notifications.models import Outbox, WebhookEndpoint

    officer = make_user("officer7", Role.COMPLIANCE_OFFICER, department=department)
    handler = make_user("handler7", Role.INCIDENT_HANDLER, department=department)
    # A subscription to incident.created: each new case queues a delivery for the broker.
    url = "https://hooks.example.com/ir"
    WebhookSubscription.objects.create(
        name="SOC",
        url=url,
        events=["incident.created"],
        owner=officer,
        endpoint=WebhookEndpoint.objects.create(name="SOC", url=url),
    )
    client.force_login(officer)
    body = {
        "title": "交易系统异常",
        "category": "malware",
        "source": "internal",
        "discovered_at": (timezone.now() - timedelta(hours=1)).isoformat(),
        "assignee": handler.pk,
    }
    for _attempt in range(2):  # the first and a later request alike
        with django_capture_on_commit_callbacks() as callbacks:
            response = client.post("/api/incidents/", body, content_type="application/json")
        assert response.status_code == 201, response.content
        assert callbacks, "the outbox hand-over runs after the commit"
        started = time.monotonic()  # what the request spends on the broker after its commit
        for callback in callbacks:
            callback()
        elapsed = time.monotonic() - started
        assert elapsed < 1.0, f"{elapsed:.1f} s"
    # Nothing is lost: the rows wait in the outbox for the sweep to hand them over.
    assert Outbox.objects.filter(state=Outbox.State.PENDING, channel="webhook").count() == 2


# --- mark-read: only a path on this site --------------------------------------------------------


@pytest.mark.parametrize(
    "target", ["//evil.example/", "https://evil.example/", "/\\evil.example", "\\\\evil.example"]
)
def test_mark_read_does_not_redirect_to_another_site(client, outsider, target):
    client.force_login(outsider)
    response = client.post("/notifications/read/", {"all": "1", "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/notifications/"


def test_mark_read_returns_to_a_page_of_this_site(client, outsider):
    client.force_login(outsider)
    response = client.post("/notifications/read/", {"all": "1", "next": "/incidents/?page=2"})
    assert response["Location"] == "/incidents/?page=2"


# --- health: anonymous gets the status only -----------------------------------------------------


@pytest.fixture
def broker_refused(settings):
    """/health/ checks a Redis broker on a local port where nothing listens."""
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{_closed_port()}/8"


def test_anonymous_health_shows_status_not_the_brokers_error(client, broker_refused):
    response = client.get("/health/")
    assert response.status_code == 503
    data = response.json()
    assert data["status"] == "degraded" and data["broker"] == {"status": "down"}
    assert data["database"] == {"status": "up"}
    assert "127.0.0.1" not in response.content.decode()


@pytest.mark.parametrize("role", [Role.COMPLIANCE_OFFICER, Role.ADMINISTRATOR])
def test_officers_and_administrators_see_the_details(client, broker_refused, role):
    client.force_login(make_user("ops", role))
    data = client.get("/health/").json()
    assert data["broker"]["status"] == "down" and "127.0.0.1" in data["broker"]["error"]
    assert "latency_ms" in data["database"]


def test_other_roles_see_the_status_only(client, broker_refused, handler, auditor):
    for user in (handler, auditor):
        client.force_login(user)
        assert client.get("/health/").json()["broker"] == {"status": "down"}


# --- tokens: who only reads gets read-only tokens -----------------------------------------------


def test_auditor_is_offered_and_given_read_only_tokens_only(client, auditor):
    from core.errors import ApplicationError
    from integrations import services
    from integrations.models import ApiToken

    client.force_login(auditor)
    page = client.get("/integrations/tokens/").content.decode()
    assert 'value="read"' in page and 'value="write"' not in page
    response = client.post("/integrations/tokens/", {"name": "SIEM", "scope": "write"})
    assert response.status_code == 200 and not ApiToken.objects.exists()
    with pytest.raises(ApplicationError, match="read-only|只读"):
        services.token_create(user=auditor, name="SIEM", scope="write")
    token, _raw = services.token_create(user=auditor, name="SIEM", scope="read")
    assert token.scope == "read"


def test_officer_is_still_offered_read_write_tokens(client, officer):
    client.force_login(officer)
    assert 'value="write"' in client.get("/integrations/tokens/").content.decode()


# --- no role, no access: contact directory and training plan ------------------------------------


@pytest.fixture
def directory_and_plan(officer, handler):
    import datetime

    from governance import services
    from governance.models import ContactRole
    from training.models import TrainingPlan

    services.contact_role_assign(
        role=ContactRole.INCIDENT_LEAD,
        holder=handler,
        valid_from=datetime.date(2020, 1, 1),
        actor=officer,
    )
    TrainingPlan.objects.create(
        year=2026, title="年度数据安全培训计划", status="approved", created_by=officer
    )


def test_a_user_without_a_role_reads_neither_directory_nor_plan(
    client, outsider, directory_and_plan
):
    client.force_login(outsider)
    assert "李处置" not in client.get("/governance/directory/").content.decode()
    assert client.get("/api/governance/contact-roles/").json()["count"] == 0
    assert client.get("/api/training/plans/").json()["count"] == 0


def test_staff_still_read_directory_and_approved_plan(client, staff, directory_and_plan):
    client.force_login(staff)
    assert "李处置" in client.get("/governance/directory/").content.decode()
    assert client.get("/api/governance/contact-roles/").json()["count"] == 1
    assert client.get("/api/training/plans/").json()["count"] == 1
