"""Issue 20 point 3: confidential and anonymous concerns. An anonymous concern stores no account
(the DB row), leaves no actor or address in the audit trail, and is followed with its code without
signing in; a confidential reporter is shown only to the compliance head."""

import pytest
from django.db import connection
from django.urls import reverse

from audit.models import AuditEntry
from deadlines.services import active_deadline
from incidents import services
from incidents.models import Concern

pytestmark = pytest.mark.django_db


def test_anonymous_concern_stores_no_account_and_leaves_no_trace_in_the_trail(staff, client):
    client.force_login(staff)
    before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = client.post(
        reverse("incidents:concern-new"),
        {"summary": "仿冒OA邮件", "details": "链接指向外部域名", "confidentiality": "anonymous"},
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 200
    code = response.context["code"]
    concern = Concern.objects.get(summary="仿冒OA邮件")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reporter_id, follow_code_hash FROM incidents_concern WHERE id = %s",
            [concern.pk],
        )
        reporter_id, code_hash = cursor.fetchone()
    assert reporter_id is None and code_hash and code not in code_hash
    entries = AuditEntry.objects.filter(id__gt=before)
    assert entries.exists()
    for entry in entries:
        assert entry.actor_id is None and not entry.actor_email
        assert entry.remote_addr is None
        changes = entry.changes or {}
        text = str(changes)
        # ("staff" is also a word of the deadline's title: look for the quoted username.)
        assert repr(staff.username) not in text and staff.email not in text
        assert staff.display_name not in text
        for field, values in changes.items():
            if field in {"reporter", "author", "owner", "user", "created_by", "recipient"}:
                assert staff.pk not in values and str(staff.pk) not in values, field
    # The triage deadline is on the engine.
    assert active_deadline(concern, "incident.concern.triage") is not None
    # Not even the reporter's own list links it to them.
    assert not Concern.objects.filter(reporter=staff).exists()


def test_follow_with_code_reads_replies_and_adds_facts_without_signing_in(staff, handler, client):
    concern = services.concern_submit(
        reporter=staff, summary="可疑U盘", confidentiality="anonymous"
    )
    code = concern.follow_code
    services.concern_message_add(actor=handler, concern=concern, body="请问在哪里发现的？")
    before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    # Anonymous visitor: no session at all.
    page = client.post(reverse("incidents:concern-follow"), {"code": code})
    assert page.status_code == 200 and "请问在哪里发现的？" in page.content.decode()
    added = client.post(
        reverse("incidents:concern-follow-add"), {"code": code, "body": "三楼打印机旁"}
    )
    assert added.status_code == 200 and "三楼打印机旁" in added.content.decode()
    message = concern.messages.get(from_reporter=True)
    assert message.author_id is None
    assert all(e.actor_id is None for e in AuditEntry.objects.filter(id__gt=before))
    wrong = client.post(reverse("incidents:concern-follow"), {"code": "X" * 35})
    assert wrong.status_code == 404 and "三楼打印机旁" not in wrong.content.decode()


def test_confidential_reporter_withheld_from_triagers_shown_to_compliance_head(
    staff, handler, leader, client
):
    concern = services.concern_submit(
        reporter=staff, summary="共享盘客户名单", confidentiality="confidential"
    )
    assert concern.reporter == staff
    client.force_login(handler)
    queue = client.get(reverse("incidents:concern-queue")).content.decode()
    detail = client.get(reverse("incidents:concern-detail", args=[concern.pk])).content.decode()
    for page in (queue, detail):
        assert "Withheld (confidential)" in page and staff.display_name not in page
    api = client.get(reverse("incidents:api-concern-detail", args=[concern.pk])).json()
    assert api["reporter"] == "Withheld (confidential)"
    client.force_login(leader)  # the compliance head
    detail = client.get(reverse("incidents:concern-detail", args=[concern.pk])).content.decode()
    assert str(staff) in detail
    # A reply the reporter sees on their own page.
    services.concern_message_add(actor=handler, concern=concern, body="已核查目录权限")
    client.force_login(staff)
    mine = client.get(reverse("incidents:concern-detail", args=[concern.pk])).content.decode()
    assert "已核查目录权限" in mine
