"""Drafting, four-eyes approval, frozen hashed snapshots, PDF/DOCX, submissions, drills."""

import io
from datetime import timedelta

import pytest
from docx import Document
from pypdf import PdfReader

from core.errors import ApplicationError
from deadlines.models import Deadline
from incidents.models import Incident
from reporting import services, tasks
from reporting.documents import snapshot_hash
from reporting.models import RegulatoryReport, ReportSubmission, ReportTemplate

from .conftest import NON_CII, grade, local

pytestmark = pytest.mark.django_db

APPROVED_TEXT = "交易主机电源模块故障，已切换至备用主机。"


@pytest.fixture
def cac_report(cii_incident, handler):
    incident = grade(cii_incident(**NON_CII), "III", handler)
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


def document_texts(version):
    pdf_text = "".join(page.extract_text() for page in PdfReader(version.pdf.open("rb")).pages)
    docx = Document(io.BytesIO(version.docx.open("rb").read()))
    docx_text = "\n".join(
        [p.text for p in docx.paragraphs]
        + [cell.text for table in docx.tables for row in table.rows for cell in row.cells]
    )
    return pdf_text, docx_text


def test_approval_freezes_hashes_and_renders_documents(cac_report, handler, officer2):
    report = draft_and_request(cac_report, handler)
    version = services.report_approve(report=report, actor=officer2, comment="同意报送")
    report.refresh_from_db()
    assert report.status == RegulatoryReport.Status.APPROVED
    # The stored hash is the SHA-256 of the frozen snapshot.
    assert version.sha256 == snapshot_hash(version.snapshot)
    assert version.snapshot["content"]["measures"] == APPROVED_TEXT
    assert version.snapshot["approved_by"] == "赵审核"
    # Approval does not render: the documents come from the task, after the commit.
    assert not version.documents_ready

    tasks.render_documents(version.pk)
    version.refresh_from_db()
    assert version.documents_ready
    reference = report.incident.reference
    for text in document_texts(version):
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
    # An officer edits the template after the approval, before the documents are rendered:
    # the documents keep the layout that was approved.
    template.body = "# 改版后的模板\n{{ content.measures }}"
    services.template_save(template=template, actor=officer2)
    tasks.render_documents(version.pk)
    version.refresh_from_db()
    text = "".join(page.extract_text() for page in PdfReader(version.pdf.open("rb")).pages)
    assert "网信部门事件报告" in text and APPROVED_TEXT in text
    assert "改版后的模板" not in text


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
    report = RegulatoryReport.objects.get(incident=incident, recipient="police", stage="initial")
    report = draft_and_request(report, handler)
    services.report_approve(report=report, actor=officer2)
    submission = services.submission_record(
        report=report,
        channel=ReportSubmission.Channel.PHONE,
        submitted_at=local(2026, 3, 10, 9, 17, 5),
        actor=handler,
    )
    assert submission.on_time is True


def test_drill_flows_to_approval_but_is_never_submitted(
    cii_incident, handler, officer, officer2, client_for
):
    from django.urls import reverse

    from reporting import selectors

    incident = grade(cii_incident(source=Incident.Source.DRILL, **NON_CII), "III", handler)
    assert incident.is_drill and incident.source == Incident.Source.DRILL
    report = RegulatoryReport.objects.get(incident=incident, recipient="cac", stage="initial")
    assert report.is_drill and "演练" in report.title
    report = draft_and_request(report, handler)
    version = services.report_approve(report=report, actor=officer2)
    report.refresh_from_db()
    report.deadline.refresh_from_db()
    assert report.status == RegulatoryReport.Status.APPROVED
    assert report.deadline.state == Deadline.State.MET  # the drill's obligation ends here
    tasks.render_documents(version.pk)
    version.refresh_from_db()
    pdf_text, _docx_text = document_texts(version)
    assert "演练" in pdf_text  # the document says it is a drill

    # Submission is refused by the service, by the API, and not offered on the page.
    with pytest.raises(ApplicationError, match="drill"):
        services.submission_record(
            report=report,
            channel=ReportSubmission.Channel.EMAIL,
            submitted_at=local(2026, 3, 10, 9, 17, 5),
            actor=handler,
        )
    api = client_for(handler).post(
        "/api/reporting/submissions/",
        {"report": report.pk, "channel": "email", "submitted_at": "2026-03-10T09:17:05+08:00"},
    )
    assert api.status_code == 400 and "drill" in api.content.decode().lower(), api.content
    page = client_for(handler).get(reverse("reporting:report-detail", args=[report.pk]))
    assert reverse("reporting:report-submit", args=[report.pk]) not in page.content.decode()
    assert not ReportSubmission.objects.exists()
    report.refresh_from_db()
    assert report.status == RegulatoryReport.Status.APPROVED

    # Drills never count in the metrics: with only the drill's reports there is nothing to
    # count; a real incident's reports count, the drill's still do not.
    assert selectors.report_metrics(user=officer, year=2026) == []
    real = grade(cii_incident(), "III", handler)
    rows = selectors.report_metrics(user=officer, year=2026)
    due = sum(row["due"] for row in rows)
    assert due == RegulatoryReport.objects.filter(incident=real, due_at__isnull=False).count()
    assert due > 0
    metrics_page = client_for(officer).get(reverse("reporting:metrics") + "?year=2026")
    assert metrics_page.status_code == 200


def test_approval_enqueues_rendering_after_commit(
    cac_report, handler, officer2, monkeypatch, django_capture_on_commit_callbacks
):
    from config.celery_app import app

    sent = []
    monkeypatch.setattr(app, "send_task", lambda name, **kw: sent.append((name, kw["args"])))
    report = draft_and_request(cac_report, handler)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        version = services.report_approve(report=report, actor=officer2)
    assert sent == []  # nothing is sent before the commit
    for callback in callbacks:
        callback()
    # (The author's "approved" notice goes out after the commit too.)
    assert [s for s in sent if s[0] == "reporting.render_documents"] == [
        ("reporting.render_documents", [version.pk])
    ]


def test_a_broker_outage_does_not_fail_the_approval(
    cac_report, handler, officer2, monkeypatch, django_capture_on_commit_callbacks
):
    from config.celery_app import app

    def down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(app, "send_task", down)
    report = draft_and_request(cac_report, handler)
    with django_capture_on_commit_callbacks(execute=True):
        version = services.report_approve(report=report, actor=officer2)
    report.refresh_from_db()
    assert report.status == RegulatoryReport.Status.APPROVED
    assert version.sha256 == snapshot_hash(version.snapshot)
    assert not version.documents_ready  # left to the sweep or the first download


def test_page_shows_generating_and_download_renders_missing_documents(
    cac_report, handler, officer2, client_for
):
    from django.urls import reverse

    report = draft_and_request(cac_report, handler)
    version = services.report_approve(report=report, actor=officer2)
    client = client_for(handler)
    page = client.get(reverse("reporting:report-detail", args=[report.pk])).content.decode()
    assert 'data-documents="generating"' in page

    url = reverse("reporting:version-download", args=[report.pk, version.number, "docx"])
    response = client.get(url)
    assert response.status_code == 200
    docx = Document(io.BytesIO(b"".join(response.streaming_content)))
    assert any(version.sha256 in p.text for p in docx.paragraphs)
    version.refresh_from_db()
    assert version.documents_ready  # stored for the next reader
    page = client.get(reverse("reporting:report-detail", args=[report.pk])).content.decode()
    assert 'data-documents="generating"' not in page


def test_sweep_renders_what_is_missing_and_leaves_fresh_approvals_to_their_task(
    cac_report, handler, officer2, clock
):
    report = draft_and_request(cac_report, handler)
    version = services.report_approve(report=report, actor=officer2)
    assert services.documents_render_missing() == 0  # just approved: its task is on the way
    clock(version.approved_at + timedelta(minutes=3))
    assert tasks.render_missing_documents() == 1
    version.refresh_from_db()
    assert version.documents_ready
    pdf_text, _docx_text = document_texts(version)
    assert version.sha256 in pdf_text.replace("\n", "")
    assert tasks.render_missing_documents() == 0
