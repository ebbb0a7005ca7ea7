"""The incident page a handler works from shows every part of the case, and its forms post the
field names the actions expect."""

import re
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from incidents import services
from incidents.models import Incident

pytestmark = pytest.mark.django_db


@pytest.fixture
def worked_case(make_incident, handler, handler2):
    incident = make_incident(
        persons_leaked=12_000,
        data_level=3,
        affected_systems=[{"name": "网上交易系统", "category": "trading", "outage_minutes": 20}],
    )
    services.incident_grade(incident=incident, actor=handler)
    services.incident_start_handling(incident=incident, actor=handler)
    services.timeline_add(incident=incident, actor=handler2, text="封堵第三方接口", kind="action")
    services.task_create(
        incident=incident,
        actor=handler,
        title="核对泄露范围",
        assignee=handler2,
        due_at=timezone.now() - timedelta(hours=1),
    )
    services.comment_add(incident=incident, actor=handler2, body="已通知数据使用部门")
    evidence = services.evidence_add(
        incident=incident,
        actor=handler,
        description="接口访问日志",
        file=ContentFile(b"GET /api/clients 200\n", name="access.txt"),
    )
    services.custody_add(evidence=evidence, actor=handler2, note="交给取证组")
    services.rectification_create(
        incident=incident,
        actor=handler,
        title="接口增加频率限制",
        owner=handler2,
        due_at=timezone.now() + timedelta(days=30),
    )
    incident.refresh_from_db()
    return incident


def test_page_shows_every_part_of_the_case(client_for, handler, worked_case):
    html = client_for(handler).get(f"/incidents/{worked_case.pk}/").content.decode()
    assert worked_case.reference in html and "网上交易系统" in html
    # timeline with its author, tasks with assignee and overdue marking
    assert "封堵第三方接口" in html and "Action taken · 陈应急" in html
    task_row = re.search(r"<tr[^>]*>(?:(?!</tr>).)*核对泄露范围.*?</tr>", html, re.S).group(0)
    assert 'class="overdue"' in task_row and "陈应急" in task_row and "Open" in task_row
    # evidence with uploader, integrity and custody
    assert "access.txt" in html and "接口访问日志" in html and "· 李处置" in html
    assert "交给取证组" in html and "Handed over" in html and "Uploaded" in html
    # rectification with owner, comment with author
    assert "接口增加频率限制" in html and "陈应急" in html
    assert "<strong>陈应急</strong>" in html and "已通知数据使用部门" in html
    # grade panel: proposal with the matched criterion and the decision in the history
    assert re.search(r"propose grade (I{1,3}|IV)\.", html)
    assert "persons" in html.lower() or "个人信息" in html
    assert "Grading history" in html and "李处置" in html


def test_forms_carry_the_field_names_the_actions_read(client_for, handler, handler2, worked_case):
    client = client_for(handler)
    html = client.get(f"/incidents/{worked_case.pk}/").content.decode()
    for name in ("grade", "reason", "qualitative", "kind", "text", "title", "assignee", "owner"):
        assert f'name="{name}"' in html, name
    assert f'<option value="{handler2.pk}">陈应急</option>' in html
    # the add-task form as the page sends it
    resp = client.post(
        f"/incidents/{worked_case.pk}/tasks/",
        {"title": "通知受影响客户", "assignee": str(handler2.pk), "due_at": "2026-12-01T10:00"},
    )
    assert resp.status_code == 302
    assert worked_case.tasks.filter(title="通知受影响客户", assignee=handler2).exists()
    html = client.get(f"/incidents/{worked_case.pk}/").content.decode()
    assert "通知受影响客户" in html


def test_closed_or_read_only_page_has_no_action_forms(client_for, auditor, worked_case):
    html = client_for(auditor).get(f"/incidents/{worked_case.pk}/").content.decode()
    assert "核对泄露范围" in html
    assert 'name="assignee"' not in html and 'name="grade"' not in html
    Incident.objects.filter(pk=worked_case.pk).update(status=Incident.Status.CLOSED)
    html = client_for(auditor).get(f"/incidents/{worked_case.pk}/").content.decode()
    assert "propose grade" not in html and "接口增加频率限制" in html


def test_owner_choices_are_the_team_and_handlers_and_anyone_by_username(
    client_for, handler, staff, outsider, make_incident, department
):
    incident = make_incident(team=department)
    client = client_for(handler)
    html = client.get(f"/incidents/{incident.pk}/").content.decode()
    owner_select = re.search(r'<select name="owner".*?</select>', html, re.S).group(0)
    assert f'value="{staff.pk}"' in owner_select  # the case team's member
    assert f'value="{handler.pk}"' in owner_select  # a handler
    assert f'value="{outsider.pk}"' not in owner_select  # not on the team, not a handler
    assert 'name="owner_username"' in html

    resp = client.post(
        f"/incidents/{incident.pk}/rectifications/",
        {"title": "权限复核", "owner_username": "OUTSIDER", "due_at": "2026-12-20T18:00"},
        follow=True,
    )
    assert incident.rectifications.get(title="权限复核").owner == outsider
    resp = client.post(
        f"/incidents/{incident.pk}/rectifications/",
        {"title": "日志留存", "owner_username": "nobody", "due_at": "2026-12-20T18:00"},
        follow=True,
    )
    assert "No active user is called “nobody”." in resp.content.decode()
    resp = client.post(
        f"/incidents/{incident.pk}/rectifications/",
        {"title": "日志留存", "due_at": "2026-12-20T18:00"},
        follow=True,
    )
    assert "Choose the owner of the rectification item." in resp.content.decode()
    assert not incident.rectifications.filter(title="日志留存").exists()
