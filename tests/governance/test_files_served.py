"""Agreement documents, meeting attachments and obligation evidence are served only through
security.files: the page links there, the user must see the owning record, the download is audited,
and the stored file has no URL of its own."""

import datetime

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.utils import timezone

from audit.models import AuditEntry
from governance import services
from governance.models import Obligation, ObligationPeriod
from security import files

from .test_input_limits import PDF, draft, meeting  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def assert_served_only_to(url, *, allowed, refused, client, page=None):
    assert url.startswith("/files/")
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for user in refused:
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(allowed)
    if page is not None:
        html = client.get(page).content.decode()
        assert url in html and '"/media/' not in html  # no link straight to the media folder
    before = AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).count()
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).latest()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).count() == before + 1
    assert entry.actor_id == allowed.pk


def test_agreement_document(draft, officer, outsider, staff, client):  # noqa: F811
    services.agreement_attach_document(
        agreement=draft, file=ContentFile(PDF, "signed.pdf"), actor=officer
    )
    draft.refresh_from_db()
    assert_served_only_to(
        files.url_for(draft, "document"),
        allowed=officer,
        refused=[outsider, staff],
        client=client,
        page=f"/governance/agreements/{draft.pk}/",
    )


def test_meeting_attachment(meeting, officer, handler, outsider, client):  # noqa: F811
    attachment = services.meeting_attachment_add(
        meeting=meeting, file=ContentFile(PDF, "slides.pdf"), actor=officer
    )
    assert_served_only_to(
        files.url_for(attachment, "file"),
        allowed=handler,  # an attendee
        refused=[outsider],
        client=client,
        page=f"/governance/meetings/{meeting.pk}/",
    )


def test_obligation_evidence(officer, outsider, client):
    Obligation.objects.update(tracked_from=datetime.date(2026, 1, 1))
    moment = datetime.datetime(2026, 9, 10, 2, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False):
        services.obligations_evaluate()
        period = ObligationPeriod.objects.get(obligation__code="O8", label="2026")
        evidence = services.obligation_evidence_attach(
            period=period,
            description="演练报告",
            evidence_on=datetime.date(2026, 9, 1),
            file=ContentFile(PDF, "drill.pdf"),
            actor=officer,
        )
        assert timezone.now() == moment
        assert_served_only_to(
            files.url_for(evidence, "file"),
            allowed=officer,
            refused=[outsider],
            client=client,
            page=f"/governance/periods/{period.pk}/",
        )


@pytest.mark.parametrize("mode", ["x-accel-redirect", "x-sendfile"])
def test_production_hands_the_file_to_the_web_server_after_the_check(
    draft,  # noqa: F811
    officer,
    outsider,
    client,
    settings,
    mode,  # noqa: F811
):
    settings.FILES_SENDFILE = mode
    services.agreement_attach_document(
        agreement=draft, file=ContentFile(PDF, "signed.pdf"), actor=officer
    )
    draft.refresh_from_db()
    url = files.url_for(draft, "document")
    client.force_login(outsider)
    response = client.get(url)
    assert response.status_code == 404
    assert "X-Accel-Redirect" not in response and "X-Sendfile" not in response
    client.force_login(officer)
    response = client.get(url)
    assert response.status_code == 200 and response.content == b""
    if mode == "x-accel-redirect":
        assert response["X-Accel-Redirect"] == "/protected-media/" + draft.document.name
    else:
        assert response["X-Sendfile"] == draft.document.path
    assert "attachment" in response["Content-Disposition"]
