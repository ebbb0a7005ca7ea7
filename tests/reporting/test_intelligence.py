"""Risk intelligence promoted to a new incident through incidents' own services."""

from datetime import timedelta

import pytest
from django.urls import reverse

from core.errors import ApplicationError
from incidents.models import Incident, TimelineEntry
from reporting import services
from reporting.models import RegulatoryReport, RiskIntelligence

from .conftest import local

pytestmark = pytest.mark.django_db

OBSERVED = local(2026, 3, 10, 8, 30)


@pytest.fixture
def leak(handler, clock):
    clock(OBSERVED + timedelta(minutes=40))
    return services.intelligence_create(
        actor=handler,
        kind=RiskIntelligence.Kind.DATA_FOR_SALE,
        party=RiskIntelligence.Party.PARTNER,
        party_name="某数据服务商",
        summary="境外论坛出售疑似本公司客户数据",
        details="帖子称有 12 万条客户记录，附样例 20 条。",
        source="暗网监测",
        source_url="https://forum.example.net/t/123",
        observed_at=OBSERVED,
    )


def test_promote_opens_an_incident_with_the_items_facts(leak, handler):
    incident = services.intelligence_promote(item=leak, actor=handler)

    assert incident.source == Incident.Source.RISK_INTELLIGENCE
    assert not incident.is_drill
    assert incident.reference.startswith("SJAQ-2026-")
    assert incident.title == leak.summary
    assert incident.category == "data_security"  # the default for data offered for sale
    assert incident.discovered_at == OBSERVED  # deadlines count from the observation
    assert incident.assignee == handler and incident.created_by == handler
    for fact in ("12 万条客户记录", "暗网监测", "https://forum.example.net/t/123", "某数据服务商"):
        assert fact in incident.description
    assert incident.timeline.filter(kind=TimelineEntry.Kind.CREATED).exists()

    leak.refresh_from_db()
    assert leak.status == RiskIntelligence.Status.INCIDENT
    assert leak.incident == incident and leak.triaged_by == handler
    # Nothing is owed before grading: the new case starts ungraded like any other.
    assert not RegulatoryReport.objects.filter(incident=incident).exists()

    with pytest.raises(ApplicationError, match="already been triaged"):
        services.intelligence_promote(item=leak, actor=handler)
    assert Incident.objects.count() == 1


def test_promote_with_category_and_title_chosen(leak, officer):
    incident = services.intelligence_promote(
        item=leak, actor=officer, category="content_security", title="数据售卖舆情"
    )
    assert incident.category == "content_security" and incident.title == "数据售卖舆情"


def test_a_bad_category_rolls_everything_back(leak, handler):
    with pytest.raises(ApplicationError):
        services.intelligence_promote(item=leak, actor=handler, category="nonsense")
    leak.refresh_from_db()
    assert leak.status == RiskIntelligence.Status.NEW and leak.incident is None
    assert not Incident.objects.exists()


def test_auditor_cannot_promote(leak, auditor):
    with pytest.raises(ApplicationError):
        services.intelligence_promote(item=leak, actor=auditor)
    assert not Incident.objects.exists()


def test_promote_from_the_page(client_for, leak, handler):
    client = client_for(handler)
    page = client.get(reverse("reporting:intel-detail", args=[leak.pk])).content.decode()
    assert reverse("reporting:intel-promote", args=[leak.pk]) in page
    response = client.post(
        reverse("reporting:intel-promote", args=[leak.pk]),
        {"category": "data_security", "title": ""},
    )
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == incident.get_absolute_url()
    assert incident.source == Incident.Source.RISK_INTELLIGENCE
    leak.refresh_from_db()
    assert leak.incident == incident
    # A second post (another tab) is refused with a message, not a second incident.
    again = client.post(
        reverse("reporting:intel-promote", args=[leak.pk]), {"category": "data_security"}
    )
    assert again.status_code == 302 and Incident.objects.count() == 1


def test_promote_through_the_api(client_for, leak, handler, auditor):
    url = f"/api/reporting/intelligence/{leak.pk}/promote/"
    assert client_for(auditor).post(url, {}).status_code == 403
    bad = client_for(handler).post(url, {"category": "nonsense"})
    assert bad.status_code == 400
    response = client_for(handler).post(url, {"title": "客户数据疑似外泄"})
    assert response.status_code == 200, response.content
    body = response.json()
    incident = Incident.objects.get()
    assert body["status"] == "incident" and body["incident"] == incident.pk
    assert body["incident_reference"] == incident.reference
    assert incident.title == "客户数据疑似外泄"
    assert client_for(handler).post(url, {}).status_code == 400  # already triaged
