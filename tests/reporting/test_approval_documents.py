"""Drafting, four-eyes approval, frozen hashed snapshots, PDF/DOCX, submissions, drills."""

import io

import pytest
from docx import Document
from pypdf import PdfReader

from core.errors import ApplicationError
from deadlines.models import Deadline
from incidents.models import Incident
from reporting import services
from reporting.documents import snapshot_hash
from reporting.models import RegulatoryReport, ReportSubmission, ReportTemplate

from .conftest import grade, local

pytestmark = pytest.mark.django_db

APPROVED_TEXT = "交易主机电源模块故障，已切换至备用主机。"


@pytest.fixture
def cac_report(cii_incident, handler):
    incident = grade(cii_incident(), "III", handler)
    return RegulatoryReport.objects.get(incident=incident, recipient="cac", stage="initial")


def draft_and_request(report, author):
    services.report_update(
        report=report,
        content={"measures": APPROVED_TEXT, "impact": "集中交易中断45分钟"},
        actor=author,
    )
    services.report_request_approval(report=report, actor=author)
    report.refresh_from_db()
    return report


def test_author_cannot_approve_their_own_report(cac_report, officer):
    report = draft_and_request(cac_report, officer)  # an officer holds the approve permission
    with pytest.raises(ApplicationError, match="Four-eyes"):
        services.report_approve(report=report, actor=officer)
    report.refresh_from_db()
    assert report.status == RegulatoryReport.Status.IN_REVIEW
    assert not report.versions.exists()


def test_handler_without_permission_cannot_approve(cac_report, handler, handler2):
    report = draft_and_request(cac_report, handler)
    with pytest.raises(ApplicationError, match="not authorised"):
        services.report_approve(report=report, actor=handler2)


def test_approval_freezes_hashes_and_renders_documents(cac_report, handler, officer2):
    report = draft_and_request(cac_report, handler)
    version = services.report_approve(report=report, actor=officer2, comment="同意报送")
    report.refresh_from_db()
    assert report.status == RegulatoryReport.Status.APPROVED
    # The stored hash is the SHA-256 of the frozen snapshot.
    assert version.sha256 == snapshot_hash(version.snapshot)
    assert version.snapshot["content"]["measures"] == APPROVED_TEXT
    assert version.snapshot["approved_by"] == "赵审核"

    reference = report.incident.reference
    pdf_text = "".join(page.extract_text() for page in PdfReader(version.pdf.open("rb")).pages)
    docx = Document(io.BytesIO(version.docx.open("rb").read()))
    docx_text = "\n".join(
        [p.text for p in docx.paragraphs]
        + [cell.text for table in docx.tables for row in table.rows for cell in row.cells]
    )
    for text in (pdf_text, docx_text):
        assert reference in text
        assert "较大" in text  # the grade, in Chinese
        assert APPROVED_TEXT in text.replace("\n", "")
        assert version.sha256 in text.replace("\n", "")

    # Approved is frozen: editing is refused, a change is a new version.
    with pytest.raises(ApplicationError, match="frozen"):
        services.report_update(report=report, content={"measures": "改动"}, actor=handler)
    services.report_new_version(report=report, actor=handler, reason="补充影响范围")
    report.refresh_from_db()
    assert report.version == 2 and report.status == RegulatoryReport.Status.DRAFT
    services.report_update(report=report, content={"measures": "改动"}, actor=handler)
    version.refresh_from_db()
    assert version.snapshot["content"]["measures"] == APPROVED_TEXT
    assert version.sha256 == snapshot_hash(version.snapshot)


def test_officer_edited_template_is_used(cac_report, handler, officer2):
    ReportTemplate.objects.filter(stage="initial").update(is_active=False)
    template = ReportTemplate.objects.create(
        name="自定义",
        stage="initial",
        recipient="cac",
        title="网信报告 {{ incident.reference }}",
        body="# 网信部门事件报告\n事件：{{ incident.reference }}，级别：{{ incident.grade_label }}\n"
        "措施：{{ content.measures }}",
    )
    cac_report.template = template
    cac_report.save()
    report = draft_and_request(cac_report, handler)
    version = services.report_approve(report=report, actor=officer2)
    text = "".join(page.extract_text() for page in PdfReader(version.pdf.open("rb")).pages)
    assert "网信部门事件报告" in text and APPROVED_TEXT in text


def test_submission_on_time_and_late(cac_report, handler, officer2, clock):
    report = draft_and_request(cac_report, handler)
    services.report_approve(report=report, actor=officer2)
    clock(local(2026, 3, 10, 14, 0))
    with pytest.raises(ApplicationError, match="reason"):
        services.submission_record(
            report=report,
            channel=ReportSubmission.Channel.EMAIL,
            submitted_at=local(2026, 3, 10, 13, 30),
            actor=handler,
        )
    submission = services.submission_record(
        report=report,
        channel=ReportSubmission.Channel.EMAIL,
        submitted_at=local(2026, 3, 10, 13, 30),
        receipt_number="WX-2026-0310-01",
        late_reason="夜间值班联系人未能及时确认",
        actor=handler,
    )
    assert submission.on_time is False
    assert submission.version.number == 1
    report.refresh_from_db()
    report.deadline.refresh_from_db()
    assert report.status == RegulatoryReport.Status.SUBMITTED
    assert report.deadline.state == Deadline.State.MET


def test_submission_before_deadline_is_on_time(cii_incident, handler, officer2, clock):
    incident = grade(cii_incident(), "III", handler)
    report = RegulatoryReport.objects.get(incident=incident, recipient="police")
    report = draft_and_request(report, handler)
    services.report_approve(report=report, actor=officer2)
    submission = services.submission_record(
        report=report,
        channel=ReportSubmission.Channel.PHONE,
        submitted_at=local(2026, 3, 10, 9, 17, 5),
        actor=handler,
    )
    assert submission.on_time is True


def test_drill_flows_to_approval_but_is_never_submitted(cii_incident, handler, officer2):
    incident = grade(cii_incident(source=Incident.Source.DRILL), "III", handler)
    report = RegulatoryReport.objects.get(incident=incident, recipient="cac", stage="initial")
    assert report.is_drill and "演练" in report.title
    report = draft_and_request(report, handler)
    services.report_approve(report=report, actor=officer2)
    report.refresh_from_db()
    report.deadline.refresh_from_db()
    assert report.deadline.state == Deadline.State.MET  # the drill's obligation ends here
    with pytest.raises(ApplicationError, match="drill"):
        services.submission_record(
            report=report,
            channel=ReportSubmission.Channel.EMAIL,
            submitted_at=local(2026, 3, 10, 9, 17, 5),
            actor=handler,
        )
    assert not ReportSubmission.objects.exists()
