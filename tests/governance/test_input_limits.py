"""Uploads are checked by content (service, page, model field) and free text has a length limit."""

import datetime

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.errors import ApplicationError
from governance import services
from governance.models import (
    CooperationAgreement,
    MeetingAttachment,
    MeetingDecision,
    Obligation,
    ObligationEvidence,
    ObligationPeriod,
)

pytestmark = pytest.mark.django_db

EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
D = datetime.date


@pytest.fixture
def draft(make_agreement, counterparty):
    today = datetime.date.today()
    return make_agreement(
        counterparty,
        starts_on=today - datetime.timedelta(days=10),
        ends_on=today + datetime.timedelta(days=300),
        approve=False,
    )


@pytest.fixture
def meeting(officer, handler):
    return services.meeting_create(
        kind="quarterly_security",
        title="Q1 会议",
        scheduled_at=timezone.now() + datetime.timedelta(days=3),
        organiser=officer,
        attendees=[officer, handler],
        agenda="1. 数据质量",
        location="3F",
        actor=officer,
    )


def test_agreement_document_refuses_a_disguised_program(draft, officer, client_for):
    before = (draft.document.name, draft.document_sha256)
    with pytest.raises(ApplicationError, match="Programs and scripts cannot be uploaded"):
        services.agreement_attach_document(
            agreement=draft, file=ContentFile(EXE, "report.pdf"), actor=officer
        )
    resp = client_for(officer).post(
        f"/governance/agreements/{draft.pk}/document/",
        {"document": SimpleUploadedFile("report.pdf", EXE)},
        follow=True,
    )
    assert "Programs and scripts cannot be uploaded" in resp.content.decode()
    draft.refresh_from_db()
    assert (draft.document.name, draft.document_sha256) == before
    # The model field carries the same check (admin, model forms).
    field = CooperationAgreement._meta.get_field("document")
    with pytest.raises(Exception, match="Programs and scripts"):
        field.run_validators(SimpleUploadedFile("report.pdf", EXE))


def test_agreement_document_accepts_a_real_pdf(draft, officer, client_for):
    resp = client_for(officer).post(
        f"/governance/agreements/{draft.pk}/document/",
        {"document": SimpleUploadedFile("signed.pdf", PDF)},
    )
    assert resp.status_code == 302
    draft.refresh_from_db()
    assert draft.document.read() == PDF


def test_meeting_attachment_checked_by_content(meeting, officer, client_for):
    client = client_for(officer)
    resp = client.post(
        f"/governance/meetings/{meeting.pk}/attachments/",
        {"file": SimpleUploadedFile("report.pdf", EXE)},
        follow=True,
    )
    assert "Programs and scripts cannot be uploaded" in resp.content.decode()
    with pytest.raises(ApplicationError, match="Programs and scripts"):
        services.meeting_attachment_add(
            meeting=meeting, file=ContentFile(EXE, "report.pdf"), actor=officer
        )
    assert not MeetingAttachment.objects.exists()
    client.post(
        f"/governance/meetings/{meeting.pk}/attachments/",
        {"file": SimpleUploadedFile("slides.pdf", PDF)},
    )
    assert MeetingAttachment.objects.get().name == "slides.pdf"


def test_obligation_evidence_checked_by_content(officer, client_for):
    Obligation.objects.update(tracked_from=D(2026, 1, 1))
    with time_machine.travel(datetime.datetime(2026, 9, 10, 2, tzinfo=datetime.UTC), tick=False):
        services.obligations_evaluate()
        drill = ObligationPeriod.objects.get(obligation__code="O8", label="2026")
        resp = client_for(officer).post(
            f"/governance/periods/{drill.pk}/",
            {
                "description": "演练报告",
                "evidence_on": "2026-09-01",
                "file": SimpleUploadedFile("drill.pdf", EXE),
            },
        )
        assert resp.status_code == 200
        assert "Programs and scripts cannot be uploaded" in resp.content.decode()
        with pytest.raises(ApplicationError, match="Programs and scripts"):
            services.obligation_evidence_attach(
                period=drill,
                description="演练报告",
                evidence_on=D(2026, 9, 1),
                file=ContentFile(EXE, "drill.pdf"),
                actor=officer,
            )
        assert not ObligationEvidence.objects.exists()
        services.obligation_evidence_attach(
            period=drill,
            description="演练报告",
            evidence_on=D(2026, 9, 1),
            file=ContentFile(PDF, "drill.pdf"),
            actor=officer,
        )
        assert ObligationEvidence.objects.count() == 1


def test_overlong_text_is_refused_not_truncated(meeting, draft, officer, client_for):
    client = client_for(officer)
    resp = client.post(
        f"/governance/meetings/{meeting.pk}/decisions/",
        {"text": "决" * 5001},
        follow=True,
    )
    assert "at most 5000 characters" in resp.content.decode()
    assert not MeetingDecision.objects.exists()
    services.agreement_submit(agreement=draft, actor=officer)
    resp = client.post(
        f"/api/governance/agreements/{draft.pk}/approve/",
        {"comment": "x" * 2001},
        content_type="application/json",
    )
    assert resp.status_code == 400 and "comment" in resp.json()
    draft.refresh_from_db()
    assert draft.approval_state != CooperationAgreement.Approval.APPROVED
