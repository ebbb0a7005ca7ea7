import datetime
import io

import pytest
import time_machine
from django.utils import timezone
from openpyxl import load_workbook

from core.errors import ApplicationError
from governance import services
from governance.models import ContactRole, Obligation, ObligationPeriod
from governance.obligations import Evidence, register_evidence_rule
from notifications.models import Outbox

pytestmark = pytest.mark.django_db
D = datetime.date


def at(day, hour=1, minute=20):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.fixture
def tracked(officer, handler, handler2):
    Obligation.objects.update(tracked_from=D(2026, 1, 1))
    services.contact_role_assign(
        role=ContactRole.COMPLIANCE_HEAD,
        holder=handler,
        deputy=handler2,
        valid_from=D(2025, 1, 1),
        actor=officer,
    )


def period(code, label):
    return ObligationPeriod.objects.get(obligation__code=code, label=label)


def test_quarter_without_held_meeting_is_missed_and_compliance_head_notified(tracked):
    with time_machine.travel(at(D(2026, 3, 31)), tick=False):
        services.obligations_evaluate()
    assert period("O2", "2026-Q1").state == "due"
    with time_machine.travel(at(D(2026, 4, 1)), tick=False):
        services.obligations_evaluate()
        services.obligations_evaluate()  # told once, not every night
    q1 = period("O2", "2026-Q1")
    assert q1.state == "missed" and q1.missed_notified_at
    messages = Outbox.objects.filter(dedupe_key=f"governance:obligation-missed:{q1.pk}")
    assert set(messages.values_list("recipient__username", flat=True)) == {"handler"}
    assert messages.filter(channel="inapp").count() == 1


def test_held_meeting_meets_the_quarter_with_evidence_link(tracked, officer, handler):
    with time_machine.travel(at(D(2026, 5, 20), 16), tick=False):
        meeting = services.meeting_create(
            kind="quarterly_security",
            title="Q2 数据安全会议",
            scheduled_at=at(D(2026, 5, 20), 14),
            organiser=officer,
            attendees=[officer, handler],
            actor=officer,
        )
        services.obligations_evaluate()
        services.meeting_record_held(meeting=meeting, present=[officer, handler], actor=officer)
    with time_machine.travel(at(D(2026, 7, 1)), tick=False):
        services.obligations_evaluate()
    q2 = period("O2", "2026-Q2")
    assert q2.state == "met"
    assert q2.evidence_url == meeting.get_absolute_url() and q2.evidence_label == meeting.title
    assert not Outbox.objects.filter(dedupe_key=f"governance:obligation-missed:{q2.pk}").exists()


def test_officer_attaches_evidence_by_hand_and_apps_register_rules(tracked, officer, handler):
    with time_machine.travel(at(D(2026, 9, 10), 10), tick=False):
        services.obligations_evaluate()
        drill = period("O8", "2026")
        with pytest.raises(ApplicationError, match="compliance officer"):
            services.obligation_evidence_attach(
                period=drill,
                description="演练报告",
                evidence_on=D(2026, 9, 1),
                url="/x",
                actor=handler,
            )
        with pytest.raises(ApplicationError, match="outside the period"):
            services.obligation_evidence_attach(
                period=drill,
                description="演练报告",
                evidence_on=D(2025, 9, 1),
                url="/x",
                actor=officer,
            )
        services.obligation_evidence_attach(
            period=drill,
            description="年度应急演练报告",
            evidence_on=D(2026, 9, 1),
            url="/files/drill.pdf",
            actor=officer,
        )
        drill.refresh_from_db()
        assert drill.state == "met" and drill.evidence_url == "/files/drill.pdf"
        # An app registers its rule: the obligation finds its evidence without code here.
        from governance import obligations

        previous = obligations.evidence_rule("training.plan")
        register_evidence_rule(
            "training.plan",
            lambda first, last: [
                Evidence("2026 年度培训计划", "/training/plans/1/", D(2026, 1, 15))
            ],
        )
        try:
            services.obligations_evaluate()
        finally:  # put back whatever the training app registered
            if previous is None:
                obligations._rules.pop("training.plan", None)
            else:
                register_evidence_rule("training.plan", previous)
        assert period("O10-plan", "2026").state == "met"


def test_dashboard_page_chart_pdf_excel_and_access(
    tracked, officer, auditor, staff, client_for, django_assert_max_num_queries
):
    with time_machine.travel(at(D(2026, 7, 2), 10), tick=False):
        services.obligations_evaluate()
        client = client_for(auditor)
        with django_assert_max_num_queries(30):
            page = client.get("/governance/?year=2026")
        html = page.content.decode()
        assert page.status_code == 200 and "2026-Q1" in html
        # the chart: ECharts options (drawn by static/js/app.js), years on the axis
        assert 'data-chart="obligations-chart-options"' in html
        assert '<script id="obligations-chart-options" type="application/json">' in html
        assert '"xAxis": {"type": "category", "data": [' in html and "containLabel" in html
        pdf = client.get("/governance/dashboard.pdf?year=2026")
        assert pdf["Content-Type"] == "application/pdf" and pdf.content[:4] == b"%PDF"
        xlsx = client.get("/governance/dashboard.xlsx?year=2026")
        rows = list(load_workbook(io.BytesIO(xlsx.content)).worksheets[0].values)
        assert any(r[1] == "2026-Q1" and r[4] for r in rows[1:])
        assert client_for(staff).get("/governance/").status_code == 403
        api = client_for(auditor).get(
            "/api/governance/obligation-periods/", {"year": 2026, "state": "missed"}
        )
        assert api.json()["count"] >= 2  # Q1 and Q2 without meetings
