"""Receipts and notice files are checked by content (service, page, model field) and free text has
a length limit."""

import re
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.errors import ApplicationError
from reporting import services
from reporting.models import RegulatorNotice, RegulatoryReport, ReportSubmission

from .conftest import NON_CII, grade

pytestmark = pytest.mark.django_db

EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
REFUSED = "Programs and scripts cannot be uploaded|不能上传程序或脚本"


@pytest.fixture
def approved(cii_incident, handler, officer2):
    incident = grade(cii_incident(**NON_CII), "III", handler)
    report = RegulatoryReport.objects.get(incident=incident, recipient="cac", stage="initial")
    services.report_update(report=report, content={"measures": "x"}, actor=handler)
    services.report_request_approval(report=report, actor=handler)
    services.report_approve(report=report, actor=officer2)
    return report


def _submit(client, report, name, data):
    return client.post(
        f"/reporting/reports/{report.pk}/submit/",
        {
            "channel": "email",
            "submitted_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "receipt_file": SimpleUploadedFile(name, data),
        },
        follow=True,
    )


def test_receipt_refuses_a_disguised_program_then_accepts_a_pdf(approved, handler, client_for):
    with pytest.raises(ApplicationError, match=REFUSED):
        services.submission_record(
            report=approved,
            channel="email",
            submitted_at=timezone.now(),
            receipt_file=ContentFile(EXE, "report.pdf"),
            actor=handler,
        )
    client = client_for(handler)
    resp = _submit(client, approved, "report.pdf", EXE)
    assert re.search(REFUSED, resp.content.decode())
    assert not ReportSubmission.objects.exists()
    _submit(client, approved, "receipt.pdf", PDF)
    assert ReportSubmission.objects.get().receipt_file.read() == PDF


def test_notice_attachment_checked_by_content(handler, officer):
    now = timezone.now()
    fields = dict(
        reference="沪证监科技〔2026〕3号",
        issuer="csrc_branch",
        title="关于核查客户信息泄露线索的通报",
        received_at=now - timedelta(hours=1),
        feedback_due_at=now + timedelta(days=3),
        handler=handler,
        actor=officer,
    )
    with pytest.raises(ApplicationError, match=REFUSED):
        services.notice_create(attachment=ContentFile(EXE, "notice.pdf"), **fields)
    assert not RegulatorNotice.objects.exists()
    notice = services.notice_create(attachment=ContentFile(PDF, "notice.pdf"), **fields)
    assert notice.attachment.read() == PDF
    field = RegulatorNotice._meta.get_field("attachment")
    with pytest.raises(Exception, match=REFUSED):
        field.run_validators(SimpleUploadedFile("notice.pdf", EXE))


def test_overlong_text_is_refused_not_truncated(approved, handler, client_for):
    client = client_for(handler)
    resp = client.post(
        f"/reporting/reports/{approved.pk}/submit/",
        {
            "channel": "email",
            "submitted_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "receipt_number": "9" * 121,
        },
        follow=True,
    )
    assert resp.status_code == 200
    assert not ReportSubmission.objects.exists()
    resp = client.post(
        f"/api/reporting/reports/{approved.pk}/cancel/",
        {"reason": "x" * 2001},
        content_type="application/json",
    )
    assert resp.status_code == 400, resp.content
    assert "reason" in resp.json()
    approved.refresh_from_db()
    assert approved.status != "cancelled"
