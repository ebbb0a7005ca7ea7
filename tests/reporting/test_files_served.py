"""Report PDFs/DOCX (pages and the API's versions[].pdf), submission receipts and notice files
are served only through checked, audited views; never from /media/."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from audit.models import AuditEntry
from reporting import services, tasks
from reporting.models import ReportSubmission
from security import files

from .test_approval_documents import cac_report, draft_and_request  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def accesses():
    return AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).count()


def refused_to_others(url, client, outsider):
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(outsider)
    assert client.get(url).status_code in (403, 404)


@pytest.fixture
def approved(cac_report, handler, officer2):  # noqa: F811
    report = draft_and_request(cac_report, handler)
    version = services.report_approve(report=report, actor=officer2)
    tasks.render_documents(version.pk)
    return report


def test_the_api_links_report_documents_to_the_checked_view(approved, handler, outsider, client):
    client.force_login(handler)
    (version,) = client.get(f"/api/reporting/reports/{approved.pk}/").json()["versions"]
    for fmt in ("pdf", "docx"):
        url = version[fmt]
        assert "/media/" not in url and url.endswith(f".{fmt}")
        before = accesses()
        response = client.get(url)
        assert response.status_code == 200
        body = b"".join(response.streaming_content)
        assert body.startswith(b"%PDF" if fmt == "pdf" else b"PK")
        assert accesses() == before + 1
        refused_to_others(url, client, outsider)
        client.force_login(handler)


def test_submission_receipt(approved, handler, outsider, client):
    submission = services.submission_record(
        report=approved,
        channel=ReportSubmission.Channel.EMAIL,
        submitted_at=timezone.now() - timedelta(minutes=1),
        receipt_number="WX-1",
        receipt_file=ContentFile(PDF, "receipt.pdf"),
        late_reason="测试",
        actor=handler,
    )
    url = files.url_for(submission, "receipt_file")
    client.force_login(handler)
    assert url in client.get(f"/reporting/reports/{approved.pk}/").content.decode()
    api = client.get(f"/api/reporting/submissions/{submission.pk}/").json()
    assert api["receipt_file"].endswith(url)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    refused_to_others(url, client, outsider)


def test_notice_attachment(handler, officer, outsider, client):
    notice = services.notice_create(
        reference="网信通〔2026〕1号",
        issuer="csrc",
        title="关于数据泄露风险的通报",
        received_at=timezone.now() - timedelta(hours=1),
        feedback_due_at=timezone.now() + timedelta(days=3),
        handler=handler,
        actor=officer,
        attachment=ContentFile(PDF, "notice.pdf"),
    )
    url = files.url_for(notice, "attachment")
    client.force_login(handler)
    assert url in client.get(f"/reporting/notices/{notice.pk}/").content.decode()
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    refused_to_others(url, client, outsider)
