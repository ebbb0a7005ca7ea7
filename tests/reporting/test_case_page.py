"""The incident page shows the case's reports and their clocks (issue 18: a handler had to find
the report in a 51-row list), and a close refusal links every blocker."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents import services as incident_services
from reporting.models import RegulatoryReport

from .conftest import create_incident

pytestmark = pytest.mark.django_db

CII = {
    "name": "集中交易系统",
    "category": "trading",
    "is_cii": True,
    "outage_minutes": 45,
    "main_function_outage_minutes": 45,
}


@pytest.fixture
def graded(handler):
    incident = create_incident(
        discovered_at=timezone.now() - timedelta(minutes=20),
        assignee=handler,
        source="internal",
        cii_involved=True,
        systems=[CII],
        title="集中交易系统中断",
    )
    incident_services.incident_grade(incident=incident, actor=handler, reason="")
    incident.refresh_from_db()
    return incident


def _section(html, section_id):
    return html.split(f'id="{section_id}"')[1].split("</section>")[0]


def test_the_case_page_lists_every_report_with_its_clock(client_for, handler, graded):
    reports = list(RegulatoryReport.objects.filter(incident=graded).order_by("due_at", "id"))
    assert len(reports) >= 2
    html = client_for(handler).get(graded.get_absolute_url()).content.decode()
    section = _section(html, "reporting")
    assert section.count('class="report-clock"') == len(reports)
    for report in reports:
        assert reverse("reporting:report-detail", args=[report.pk]) in section
        assert report.get_recipient_display() in section
        assert report.get_stage_display() in section
    dated = [r for r in reports if r.due_at]
    assert section.count("countdown") >= len(dated)
    # The header shows the nearest clock: the first report due.
    header = html.split('id="header"')[1].split("</header>")[0]
    soonest = min(r.due_at for r in dated)
    assert 'class="badge' in header and "countdown" in header
    assert any(r.title in header for r in dated if r.due_at == soonest)


def test_a_close_refusal_links_every_blocker(client_for, handler, graded):
    now = timezone.now()
    incident_services.incident_start_handling(incident=graded, actor=handler)
    incident_services.incident_resolve(
        incident=graded, actor=handler, contained_at=now, resolved_at=now
    )
    item = incident_services.rectification_create(
        incident=graded,
        actor=handler,
        title="加固交换机",
        owner=handler,
        due_at=now + timedelta(days=9),
    )
    incident_services.incident_summarise(incident=graded, actor=handler, summary="总结")
    client = client_for(handler)
    client.post(reverse("incidents:transition", args=[graded.pk, "close"]))
    graded.refresh_from_db()
    assert graded.status == "summarised"
    html = client.get(graded.get_absolute_url()).content.decode()
    blockers = html.split('id="close-blockers"')[1].split("</div>")[0]
    links = re.findall(r'<a href="([^"]+)">', blockers)
    owed = RegulatoryReport.objects.filter(incident=graded).exclude(stage="feedback")
    owed = [r for r in owed if r.status in ("draft", "in_review", "approved")]
    assert owed
    expected = {reverse("reporting:report-detail", args=[r.pk]) for r in owed}
    expected.add(f"{graded.get_absolute_url()}#rect-{item.pk}")
    assert set(links) == expected
    assert f'id="rect-{item.pk}"' in html
    # No close button while something blocks it.
    assert reverse("incidents:transition", args=[graded.pk, "close"]) not in html
