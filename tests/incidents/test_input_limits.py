"""Evidence is checked by content (service, page and API) and free text has a length limit."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from core.errors import ApplicationError
from incidents import services
from incidents.models import Comment, Evidence

pytestmark = pytest.mark.django_db

EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def test_service_refuses_a_program_named_report_pdf(incident, handler):
    with pytest.raises(ApplicationError, match="Programs and scripts cannot be uploaded"):
        services.evidence_add(incident=incident, actor=handler, file=ContentFile(EXE, "report.pdf"))
    assert not Evidence.objects.exists()
    assert not incident.timeline.filter(kind="evidence").exists()


def test_service_refuses_a_name_that_lies_about_the_content(incident, handler):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
    with pytest.raises(ApplicationError, match="does not match its content"):
        services.evidence_add(incident=incident, actor=handler, file=ContentFile(png, "fw.log"))
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(
    "name,data",
    [
        ("report.pdf", PDF),
        ("phish.msg", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504),
        ("logs.7z", b"7z\xbc\xaf\x27\x1c\x00\x04" + b"\x00" * 24),
        ("capture.pcap", b"\xd4\xc3\xb2\xa1\x02\x00\x04\x00" + b"\x00" * 16),
        ("capture.pcapng", b"\x0a\x0d\x0d\x0a\x1c\x00\x00\x00\x4d\x3c\x2b\x1a" + b"\x00" * 16),
    ],
)
def test_allowed_evidence_types_are_accepted(incident, handler, name, data):
    ev = services.evidence_add(incident=incident, actor=handler, file=ContentFile(data, name))
    assert ev.original_name == name


def test_gzip_evidence_is_accepted_unless_it_holds_a_program(incident, handler):
    import gzip

    ok = ContentFile(gzip.compress(b"Jan 1 sshd[1]: Accepted\n"), "auth.log.gz")
    assert services.evidence_add(incident=incident, actor=handler, file=ok).pk
    bad = ContentFile(gzip.compress(b"\x7fELF\x02\x01" + b"\x00" * 64), "auth.log.gz")
    with pytest.raises(ApplicationError, match="program or script"):
        services.evidence_add(incident=incident, actor=handler, file=bad)
    assert Evidence.objects.count() == 1


def test_page_refuses_a_disguised_program_with_a_clear_message(client_for, incident, handler):
    resp = client_for(handler).post(
        f"/incidents/{incident.pk}/evidence/",
        {"file": SimpleUploadedFile("report.pdf", EXE, "application/pdf")},
        follow=True,
    )
    assert resp.status_code == 200
    assert "Programs and scripts cannot be uploaded" in resp.content.decode()
    assert not Evidence.objects.exists()


def test_page_and_api_accept_a_real_pdf(client_for, incident, handler):
    client = client_for(handler)
    resp = client.post(
        f"/incidents/{incident.pk}/evidence/",
        {"file": SimpleUploadedFile("report.pdf", PDF, "application/pdf")},
    )
    assert resp.status_code == 302
    resp = client.post(
        f"/api/incidents/{incident.pk}/evidence/",
        {"file": SimpleUploadedFile("report2.pdf", PDF, "application/pdf")},
    )
    assert resp.status_code == 201, resp.content
    assert Evidence.objects.count() == 2


def test_api_refuses_a_disguised_program(client_for, incident, handler):
    resp = client_for(handler).post(
        f"/api/incidents/{incident.pk}/evidence/",
        {"file": SimpleUploadedFile("report.pdf", EXE, "application/pdf")},
    )
    assert resp.status_code == 400
    assert "Programs and scripts cannot be uploaded" in str(resp.json()["file"])
    assert not Evidence.objects.exists()


def test_overlong_comment_is_a_form_error_not_a_truncation(client_for, incident, handler):
    resp = client_for(handler).post(
        f"/incidents/{incident.pk}/comments/", {"body": "长" * 5001}, follow=True
    )
    assert resp.status_code == 200
    assert "at most 5000 characters" in resp.content.decode()
    assert not Comment.objects.exists()


def test_overlong_api_text_is_a_400(client_for, incident, handler):
    resp = client_for(handler).post(
        f"/api/incidents/{incident.pk}/grade/",
        {"grade": "", "reason": "x" * 2001},
        content_type="application/json",
    )
    assert resp.status_code == 400
    assert "reason" in resp.json()
