"""Pages and REST endpoints go through the visibility rule; auditors read, never write."""

from datetime import timedelta

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from reporting import services
from reporting.models import RegulatoryReport, RiskIntelligence

from .conftest import NON_CII, grade

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(cii_incident, handler):
    incident = grade(cii_incident(**NON_CII), "III", handler)
    return RegulatoryReport.objects.get(incident=incident, recipient="cac", stage="initial")


def test_pages_render_for_handler_and_officer(client_for, report, handler, officer):
    for user in (handler, officer):
        client = client_for(user)
        for name, args in [
            ("reporting:report-list", []),
            ("reporting:report-detail", [report.pk]),
            ("reporting:report-edit", [report.pk]),
            ("reporting:incident-reports", [report.incident_id]),
            ("reporting:rule-list", []),
            ("reporting:notice-list", []),
            ("reporting:intel-list", []),
            ("reporting:intel-create", []),
        ]:
            response = client.get(reverse(name, args=args))
            assert response.status_code == 200, (user, name)
    body = client_for(officer).get(reverse("reporting:rule-list")).content.decode()
    assert "CAC 2025" in body or "国家网络安全事件报告管理办法" in body


def test_rules_page_is_chinese_by_default(client_for, officer, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    body = client_for(officer).get(reverse("reporting:rule-list")).content.decode()
    assert "报送规则" in body and "待确认" in body and "属地省级网信部门" in body


def test_draft_is_edited_in_the_page(client_for, report, handler):
    client = client_for(handler)
    data = {"title": report.title, "measures": "已隔离故障主机", "unit": "示例证券"}
    response = client.post(reverse("reporting:report-edit", args=[report.pk]), data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.content["measures"] == "已隔离故障主机"
    assert report.author == handler


def test_outsider_and_other_team_see_nothing(client_for, report, outsider, staff):
    response = client_for(outsider).get(reverse("reporting:report-detail", args=[report.pk]))
    assert response.status_code in (403, 404)
    api = client_for(staff).get("/api/reporting/reports/")
    assert api.status_code == 403 or api.json()["count"] == 0


def test_api_lists_visible_reports_and_enforces_four_eyes(client_for, report, handler, officer2):
    client = client_for(handler)
    listing = client.get("/api/reporting/reports/?recipient=cac&stage=initial").json()
    assert [r["id"] for r in listing["results"]] == [report.pk]
    patch = client.patch(
        f"/api/reporting/reports/{report.pk}/",
        {"content": {"measures": "已切换备机"}},
        content_type="application/json",
    )
    assert patch.status_code == 200, patch.content
    assert client.post(f"/api/reporting/reports/{report.pk}/request-approval/").status_code == 200
    own = client.post(f"/api/reporting/reports/{report.pk}/approve/")
    assert own.status_code in (400, 403)
    approver = client_for(officer2)
    approved = approver.post(f"/api/reporting/reports/{report.pk}/approve/", {"comment": "同意"})
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved"
    assert len(approved.json()["versions"][0]["sha256"]) == 64
    again = approver.patch(
        f"/api/reporting/reports/{report.pk}/",
        {"content": {"measures": "x"}},
        content_type="application/json",
    )
    assert again.status_code == 400
    approvals = approver.get("/api/reporting/approvals/").json()
    assert approvals["results"][0]["decision"] == "approved"


def test_auditor_reads_but_cannot_write(client_for, report, auditor):
    client = client_for(auditor)
    assert client.get("/api/reporting/reports/").json()["count"] >= 1
    response = client.patch(
        f"/api/reporting/reports/{report.pk}/",
        {"content": {"measures": "x"}},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_rule_revision_through_api_keeps_history(client_for, officer):
    client = client_for(officer)
    rule = client.get("/api/reporting/rules/?recipient=cac&stage=initial").json()["results"][0]
    response = client.patch(
        f"/api/reporting/rules/{rule['id']}/", {"offset_amount": 3}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    new_version = rule["version"] + 1
    assert response.json()["version"] == new_version and response.json()["offset_amount"] == 3
    history = client.get("/api/reporting/rules/?history=1&recipient=cac&stage=initial").json()
    assert sorted(r["version"] for r in history["results"]) == list(range(1, new_version + 1))


def test_notice_feedback_flows_through_approval_and_submission(handler, officer, officer2):
    now = timezone.now()
    notice = services.notice_create(
        reference="沪证监科技〔2026〕3号",
        issuer="csrc_branch",
        title="关于核查客户信息泄露线索的通报",
        received_at=now - timedelta(hours=1),
        feedback_due_at=now + timedelta(days=3),
        handler=handler,
        actor=officer,
    )
    report = notice.feedback_reports.get()
    assert report.deadline.due_at == notice.feedback_due_at
    assert report.deadline.owner == handler
    services.report_update(
        report=report,
        content={"verification": "经核查系第三方数据", "result": "已处置"},
        actor=handler,
    )
    services.report_request_approval(report=report, actor=handler)
    services.report_approve(report=report, actor=officer2)
    services.submission_record(
        report=report, channel="system", submitted_at=timezone.now(), actor=handler
    )
    notice.refresh_from_db()
    assert notice.status == notice.Status.FEEDBACK_SENT


def test_intelligence_is_triaged_to_an_incident_or_closed_with_reason(report, handler):
    from core.errors import ApplicationError

    leak = services.intelligence_create(
        actor=handler,
        kind=RiskIntelligence.Kind.LEAK,
        summary="暗网出现疑似客户信息",
        source="暗网监测",
        observed_at=timezone.now(),
    )
    services.intelligence_triage_to_incident(item=leak, incident=report.incident, actor=handler)
    leak.refresh_from_db()
    assert leak.status == RiskIntelligence.Status.INCIDENT and leak.incident == report.incident
    news = services.intelligence_create(
        actor=handler,
        kind=RiskIntelligence.Kind.NEGATIVE_NEWS,
        party=RiskIntelligence.Party.PARTNER,
        party_name="某数据服务商",
        summary="合作方负面报道",
        source="舆情",
        observed_at=timezone.now(),
    )
    with pytest.raises(ApplicationError):
        services.intelligence_close(item=news, reason=" ", actor=handler)
    services.intelligence_close(item=news, reason="与本公司业务无关", actor=handler)
    news.refresh_from_db()
    assert news.status == RiskIntelligence.Status.CLOSED


def test_metrics_count_due_on_time_and_late_and_export(
    client_for, report, handler, officer2, officer
):
    services.report_update(report=report, content={"measures": "x"}, actor=handler)
    services.report_request_approval(report=report, actor=handler)
    services.report_approve(report=report, actor=officer2)
    services.submission_record(
        report=report, channel="email", submitted_at=timezone.now(), actor=handler
    )
    from reporting import selectors

    rows = {
        (r["quarter"], r["recipient"]): r for r in selectors.report_metrics(user=officer, year=2026)
    }
    assert rows[("2026-Q1", "cac")]["on_time"] == 1
    assert rows[("2026-Q1", "cac")]["due"] == 1
    assert rows[("2026-Q1", "csrc")]["pending"] == 1
    response = client_for(officer).get(reverse("reporting:metrics-export") + "?year=2026")
    assert response.status_code == 200
    import io

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert any(row[0] == "2026-Q1" and row[3] == 1 for row in values[2:])


def test_a_bad_submission_or_promotion_says_what_is_wrong_in_words(client_for, report, handler):
    """The form's errors are read as a sentence, not as the HTML of an error list."""
    client = client_for(handler)
    response = client.post(
        reverse("reporting:report-submit", args=[report.pk]), {"channel": "nonsense"}, follow=True
    )
    text = " ".join(str(m) for m in response.context["messages"])
    assert text and "<ul" not in text and "errorlist" not in text
    item = RiskIntelligence.objects.create(
        kind=RiskIntelligence.Kind.values[0],
        summary="仿冒本公司App的钓鱼网站",
        observed_at=timezone.now(),
        reported_by=handler,
        source="论坛",
    )
    response = client.post(
        reverse("reporting:intel-promote", args=[item.pk]), {"category": "nonsense"}, follow=True
    )
    text = " ".join(str(m) for m in response.context["messages"])
    assert text and "<ul" not in text and "errorlist" not in text
