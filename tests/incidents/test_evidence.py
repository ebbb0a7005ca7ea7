import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEntry
from core.errors import ApplicationError
from incidents import services
from incidents.models import CustodyEntry, Evidence

pytestmark = pytest.mark.django_db
DATA = "防火墙日志 2026-01-01 10:00 deny 10.0.0.1\n".encode()


def _upload(incident, handler, data=DATA, name="fw.log"):
    return services.evidence_add(
        incident=incident, actor=handler, file=ContentFile(data, name=name)
    )


def test_upload_stores_hash_and_custody(incident, handler):
    ev = _upload(incident, handler)
    assert ev.sha256 == hashlib.sha256(DATA).hexdigest() and ev.size == len(DATA)
    assert list(ev.custody.values_list("action", flat=True)) == ["uploaded"]
    assert incident.timeline.filter(kind="evidence").exists()


def test_size_and_type_limits(incident, handler, settings):
    with pytest.raises(ApplicationError, match="not accepted"):
        _upload(incident, handler, name="payload.exe")
    settings.INCIDENTS_EVIDENCE_MAX_BYTES = 10
    with pytest.raises(ApplicationError, match="too large"):
        _upload(incident, handler)
    with pytest.raises(ApplicationError, match="empty"):
        _upload(incident, handler, data=b"")
    assert not Evidence.objects.exists()


def test_download_verifies_hash(client_for, incident, handler):
    ev = _upload(incident, handler)
    resp = client_for(handler).get(f"/incidents/evidence/{ev.pk}/download/")
    assert resp.status_code == 200
    assert b"".join(resp.streaming_content) == DATA
    assert ev.custody.filter(action="downloaded").count() == 1


def test_altered_file_is_detected_refused_and_audited(client_for, incident, handler):
    ev = _upload(incident, handler)
    with open(ev.file.path, "ab") as f:
        f.write(b"tampered")
    client = client_for(handler)
    resp = client.get(f"/incidents/evidence/{ev.pk}/download/")
    assert resp.status_code == 409
    assert "altered" in resp.content.decode()
    ev.refresh_from_db()
    assert ev.integrity == Evidence.Integrity.TAMPERED
    entry = ev.custody.get(action=CustodyEntry.Action.TAMPER_DETECTED)
    assert entry.actor == handler and entry.sha256 != ev.sha256
    audit = AuditEntry.objects.filter(
        content_type__model="evidence", object_pk=str(ev.pk), action=1
    )
    assert audit.exists() and "tampered" in str(audit.last().changes)
    assert incident.timeline.filter(text__contains="Integrity check failed").exists()
    api = client.get(f"/api/incidents/evidence/{ev.pk}/download/")
    assert api.status_code == 409 and api.json()["integrity"] == "tampered"


def test_missing_file_is_refused(incident, handler):
    ev = _upload(incident, handler)
    ev.file.storage.delete(ev.file.name)
    with pytest.raises(services.EvidenceTampered):
        services.evidence_open(evidence=ev, actor=handler)
    ev.refresh_from_db()
    assert ev.integrity == Evidence.Integrity.MISSING


def test_upload_through_page_and_api(client_for, incident, handler):
    client = client_for(handler)
    resp = client.post(
        f"/incidents/{incident.pk}/evidence/",
        {
            "file": SimpleUploadedFile(
                "shot.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 16, "image/png"
            ),
            "description": "截图",
        },
    )
    assert resp.status_code == 302
    resp = client.post(
        f"/api/incidents/{incident.pk}/evidence/",
        {"file": SimpleUploadedFile("mail.eml", b"From: x", "message/rfc822")},
    )
    assert resp.status_code == 201, resp.content
    assert resp.json()["sha256"] == hashlib.sha256(b"From: x").hexdigest()
    resp = client.post(
        f"/api/incidents/{incident.pk}/evidence/",
        {"file": SimpleUploadedFile("x.exe", b"MZ", "application/octet-stream")},
    )
    assert resp.status_code == 400
    assert incident.evidence.count() == 2


def test_custody_handover(incident, handler):
    ev = _upload(incident, handler)
    with pytest.raises(ApplicationError):
        services.custody_add(evidence=ev, actor=handler, note="")
    services.custody_add(evidence=ev, actor=handler, note="移交法务部张三封存")
    assert ev.custody.filter(action="transferred").count() == 1
