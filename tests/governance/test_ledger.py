"""The ledger of real transfers: signed intake (the alert intake's scheme), reconciliation of
each mismatch kind into a triage alert and a notice to the data-authority department, the
append-only hash chain, export and the usage per shared source."""

import datetime
import hashlib
import json
import time

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from governance.models import (
    CooperationAgreement,
    ExchangeSystem,
    LedgerEvent,
    Mismatch,
    SharingRequest,
)
from governance.selectors_sharing import shared_source_usage
from governance.services import ledger as ledger_services
from governance.services.sharing_gate import sharing_request_create, sharing_request_decide
from integrations.intake import AlertRejected, compute_signature
from integrations.models import Alert
from notifications.models import Outbox

from .sharing_fixtures import request_fields

pytestmark = pytest.mark.django_db
CHECKSUM = hashlib.sha256(b"file-1").hexdigest()


@pytest.fixture
def system(db):
    return ExchangeSystem.objects.create(name="数据交换平台", slug="exchange", secret="s3cret")


@pytest.fixture
def approved(catalogue, active_agreement, requester, handler):
    """An approved API request for JY-001 (level 2), 1,000 records, and a file request."""
    api = sharing_request_create(
        actor=requester,
        **request_fields(active_agreement, [catalogue["JY-001"]], record_count=1000),
    )
    sharing_request_decide(actor=handler, request=api, approve=True)
    files = sharing_request_create(
        actor=requester,
        **request_fields(
            active_agreement,
            [catalogue["JY-001"]],
            method="file",
            channel="SFTP",
            checksums=[CHECKSUM],
        ),
    )
    sharing_request_decide(actor=handler, request=files, approve=True)
    api.refresh_from_db()
    files.refresh_from_db()
    assert api.state == files.state == SharingRequest.State.APPROVED
    return {"api": api, "file": files}


def event(n, request=None, **extra):
    body = {
        "id": f"ev-{n}",
        "kind": "api_call",
        "occurred_at": timezone.now().isoformat(),
        "actor": "svc-regdata",
        "request": request.reference if request else "",
        "items": ["JY-001"],
        "records": 10,
        "bytes": 2048,
        "checksum": "",
        "channel": "接口",
        "encrypted": True,
    }
    body.update(extra)
    return body


def post(client, system, events, *, secret=None, timestamp=None):
    body = json.dumps({"events": events}).encode()
    timestamp = timestamp or str(int(time.time()))
    signature = compute_signature(secret or system.secret, timestamp, body)
    return client.post(
        reverse("governance:ledger-intake", args=[system.slug]),
        data=body,
        content_type="application/json",
        HTTP_X_TIMESTAMP=timestamp,
        HTTP_X_SIGNATURE=signature,
    )


def record(system, events):
    parsed = [ledger_services.parse_event(e, i) for i, e in enumerate(events, 1)]
    return ledger_services.ledger_record(
        system=system, signature=hashlib.sha256(repr(events).encode()).hexdigest(), events=parsed
    )


def mismatches(external_id):
    return LedgerEvent.objects.get(external_id=external_id).mismatches


# --- intake ------------------------------------------------------------------------------


def test_signed_intake_records_a_matching_event(client, system, approved):
    response = post(client, system, [event(1, approved["api"])])
    assert response.status_code == 201, response.content
    assert response.json() == {"batch": response.json()["batch"], "events": 1, "mismatches": 0}
    row = LedgerEvent.objects.get()
    assert row.request == approved["api"] and not row.is_mismatch
    approved["api"].refresh_from_db()
    assert approved["api"].used_records == 10
    assert not Alert.objects.exists()


def test_intake_refuses_bad_signature_and_replay(client, system, approved):
    assert post(client, system, [event(1)], secret="wrong").status_code == 401
    timestamp = str(int(time.time()))
    events = [event(2)]
    assert post(client, system, events, timestamp=timestamp).status_code == 201
    replay = post(client, system, events, timestamp=timestamp)
    assert replay.status_code == 409 and replay.json()["code"] == "replay"
    assert LedgerEvent.objects.count() == 1


def test_intake_names_the_bad_event(client, system):
    response = post(client, system, [event(1), event(2, records=-5)])
    assert response.status_code == 400
    assert "Event 2" in response.json()["detail"]
    assert not LedgerEvent.objects.exists()


def test_resent_event_is_recorded_once(system, approved):
    record(system, [event(1, approved["api"])])
    record(system, [event(1, approved["api"]), event(2, approved["api"])])
    assert LedgerEvent.objects.count() == 2


# --- reconciliation: one test per mismatch kind --------------------------------------------


def test_unregistered(system, approved, handler):
    unknown = event("u2")
    unknown["request"] = "GXQ-0000"
    batch = record(system, [event("u1"), unknown])
    assert mismatches("ev-u1") == [Mismatch.UNREGISTERED]
    assert mismatches("ev-u2") == [Mismatch.UNREGISTERED]
    assert batch.mismatch_count == 2
    alert = Alert.objects.get(source__slug="sharing-ledger", external_id__contains=":-:")
    assert alert.severity == Alert.Severity.HIGH and "No approved sharing request" in alert.title
    # The data-authority department (handler's department) is told, linked to the ledger.
    notice = Outbox.objects.filter(recipient=handler, key__contains="governance.ledger.mismatch")
    assert notice.exists()


def test_refused_request_counts_as_unregistered(
    system, catalogue, active_agreement, requester, handler
):
    pending = sharing_request_create(
        actor=requester, **request_fields(active_agreement, [catalogue["JY-001"]])
    )
    record(system, [event("p", pending)])
    assert mismatches("ev-p") == [Mismatch.UNREGISTERED]


def test_data_not_approved(system, approved):
    record(system, [event("d", approved["api"], items=["JY-001", "KH-001"])])
    assert mismatches("ev-d") == [Mismatch.DATA_NOT_APPROVED]


def test_over_the_approved_count(system, approved):
    record(system, [event("o1", approved["api"], records=600)])
    record(system, [event("o2", approved["api"], records=500)])
    assert mismatches("ev-o1") == []
    assert mismatches("ev-o2") == [Mismatch.OVER_COUNT]
    approved["api"].refresh_from_db()
    assert approved["api"].used_records == 1100


def test_after_expiry(system, approved):
    late = (timezone.now() + datetime.timedelta(days=40)).isoformat()
    record(system, [event("x", approved["api"], occurred_at=late)])
    assert Mismatch.EXPIRED in mismatches("ev-x")


def test_after_suspension(system, approved):
    CooperationAgreement.objects.filter(pk=approved["api"].agreement_id).update(
        suspended_at=timezone.now() - datetime.timedelta(minutes=5), suspension_reason="事件"
    )
    record(system, [event("s", approved["api"])])
    assert mismatches("ev-s") == [Mismatch.SUSPENDED]


def test_plaintext_where_forbidden(system, approved):
    record(system, [event("pt", approved["api"], encrypted=False)])
    assert mismatches("ev-pt") == [Mismatch.PLAINTEXT]
    alert = LedgerEvent.objects.get(external_id="ev-pt").alert
    assert alert is not None and alert.state == Alert.State.NEW


def test_unknown_checksum(system, approved):
    good = event("f1", approved["file"], kind="transfer", method="file", checksum=CHECKSUM)
    bad = event("f2", approved["file"], kind="transfer", method="file", checksum="ab" * 32)
    record(system, [good, bad])
    assert mismatches("ev-f1") == []
    assert mismatches("ev-f2") == [Mismatch.UNKNOWN_CHECKSUM]


# --- chain, append-only, pages ------------------------------------------------------------


def test_chain_verifies_and_detects_tampering(system, approved):
    record(system, [event(i, approved["api"]) for i in range(5)])
    result = ledger_services.ledger_verify()
    assert result["ok"] and result["events"] == 5
    rows = list(LedgerEvent.objects.order_by("id"))
    assert rows[1].prev_hash == rows[0].entry_hash
    with pytest.raises(PermissionError):
        rows[2].save()
    with pytest.raises(PermissionError):
        LedgerEvent.objects.filter(pk=rows[2].pk).update(record_count=1)
    if connection.vendor == "postgresql":
        with pytest.raises(Exception, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE governance_ledgerevent SET record_count = 1 WHERE id = %s", [rows[2].pk]
                )
        # Tampering past the trigger (as the table owner) shows in verification.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(
                "UPDATE governance_ledgerevent SET record_count = 1 WHERE id = %s", [rows[2].pk]
            )
        broken = ledger_services.ledger_verify()
        assert not broken["ok"] and broken["broken_at"] == rows[2].pk


def test_usage_per_shared_source(system, approved):
    record(system, [event(i, approved["api"], records=100) for i in range(3)])
    record(system, [event("pt", approved["api"], encrypted=False, records=1)])
    today = timezone.localdate()
    (usage,) = shared_source_usage(start=today - datetime.timedelta(days=1), end=today)
    assert (usage.item_code, usage.item_name) == ("JY-001", "成交编号")
    assert (usage.events, usage.records, usage.mismatches, usage.requests) == (4, 301, 1, 1)


def test_ledger_page_visibility_and_export(client_for, system, approved, requester, officer):
    from accounts.roles import Role
    from tests.conftest import make_user

    staff = make_user("bystander", Role.STAFF)
    record(system, [event(1, approved["api"]), event("u")])
    page = client_for(requester).get(reverse("governance:ledger"))
    assert page.status_code == 200
    assert [e.external_id for e in page.context["events"]] == ["ev-1"]  # not the unregistered one
    assert client_for(staff).get(reverse("governance:ledger")).context["events"] == []
    assert (
        client_for(requester).get(reverse("governance:ledger") + "?format=csv").status_code == 403
    )
    csv = client_for(officer).get(reverse("governance:ledger") + "?format=csv")
    assert csv.status_code == 200 and "ev-u" in csv.content.decode("utf-8-sig")
    mismatched = client_for(officer).get(reverse("governance:ledger") + "?mismatch=1")
    assert [e.external_id for e in mismatched.context["events"]] == ["ev-u"]


def test_intake_rejects_unknown_system(client, system):
    system.slug = "other"
    assert post(client, system, [event(1)]).status_code == 401


def test_parse_refuses_bad_event():
    with pytest.raises(AlertRejected, match="Event 1"):
        ledger_services.parse_event({"id": "x"}, 1)


def test_verify_command_reports_the_chain(system, approved):
    from io import StringIO

    from django.core.management import call_command

    record(system, [event(i, approved["api"]) for i in range(3)])
    out = StringIO()
    call_command("verify_sharing_ledger", stdout=out)
    assert "OK: 3 ledger events verified" in out.getvalue()
