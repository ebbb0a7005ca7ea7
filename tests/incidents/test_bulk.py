"""Bulk actions on the incident list and on tasks (issue 21.3): a mix of allowed and refused
items, the result per item, one audit entry per changed item and none for a refused one."""

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEntry
from incidents import bulk, services
from incidents.models import Incident, IncidentTag, IncidentTask

pytestmark = pytest.mark.django_db
S = Incident.Status


def audit_count(obj) -> int:
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_pk=str(obj.pk)
    ).count()


@pytest.fixture
def mix(make_incident, handler, outsider_handler):
    new = make_incident(title="新建的案件")
    handling = make_incident(title="处置中的案件")
    services.incident_grade(incident=handling, actor=handler)
    services.incident_start_handling(incident=handling, actor=handler)
    theirs = make_incident(actor=outsider_handler, title="别的团队的案件")
    return new, handling, theirs


def post(client, name, ids, **data):
    return client.post(reverse(f"incidents:{name}"), {"ids": [str(i) for i in ids], **data})


def test_status_change_where_the_lifecycle_allows(client, handler, mix, make_incident):
    new, _handling, theirs = mix
    graded = make_incident(title="已定级的案件")
    services.incident_grade(incident=graded, actor=handler)
    cases = [new, graded, theirs]
    before = {i.pk: audit_count(i) for i in cases}
    client.force_login(handler)
    response = post(client, "bulk-status", [i.pk for i in cases], status=S.HANDLING)
    body = response.content.decode()
    assert response.status_code == 200
    results = {r.pk: r for r in response.context["results"]}
    assert results[graded.pk].ok
    assert not results[new.pk].ok  # a new case is not graded yet: handling it is refused
    assert not results[theirs.pk].ok and results[theirs.pk].label == f"#{theirs.pk}"
    assert "别的团队的案件" not in body and theirs.reference not in body  # nothing leaks
    assert response.context["done"] == 1 and response.context["refused"] == 2
    for incident in cases:
        incident.refresh_from_db()
    assert (new.status, graded.status, theirs.status) == (S.NEW, S.HANDLING, S.NEW)
    # One entry for the changed case; the refused ones are untouched.
    assert audit_count(graded) == before[graded.pk] + 1
    assert audit_count(new) == before[new.pk] and audit_count(theirs) == before[theirs.pk]


def test_resolving_is_not_a_bulk_move(client, handler, mix):
    """Resolving asks the handler for the containment and resolution times of each case."""
    _new, handling, _theirs = mix
    client.force_login(handler)
    post(client, "bulk-status", [handling.pk], status=S.RESOLVED)
    handling.refresh_from_db()
    assert handling.status == S.HANDLING
    assert S.RESOLVED not in bulk.STATUS_MOVES


def test_assign_and_tag_each_item_through_the_policy(client, handler, handler2, mix):
    new, handling, theirs = mix
    client.force_login(handler)
    response = post(client, "bulk-assign", [new.pk, theirs.pk, handling.pk], assignee=handler2.pk)
    outcome = [(r.pk, r.ok) for r in response.context["results"]]
    assert outcome == [(new.pk, True), (theirs.pk, False), (handling.pk, True)]  # order kept
    assert set(Incident.objects.filter(assignee=handler2).values_list("pk", flat=True)) == {
        new.pk,
        handling.pk,
    }

    response = post(client, "bulk-tag", [new.pk, handling.pk, theirs.pk], tag="  勒索 病毒 ")
    assert [r.ok for r in response.context["results"]] == [True, True, False]
    tags = IncidentTag.objects.filter(tag__name="勒索 病毒")
    assert set(tags.values_list("incident_id", flat=True)) == {new.pk, handling.pk}
    for link in tags:
        assert audit_count(link) == 1  # one entry per tagged case
    again = post(client, "bulk-tag", [new.pk], tag="勒索 病毒")
    assert again.context["results"][0].ok and tags.count() == 2  # tagging twice adds nothing


def test_auditor_is_refused_item_by_item(client, auditor, mix):
    client.force_login(auditor)
    response = post(client, "bulk-tag", [i.pk for i in mix], tag="审计")
    results = response.context["results"]
    assert len(results) == 3 and not any(r.ok for r in results)
    assert all(r.message for r in results)
    assert not IncidentTag.objects.exists()


def test_bad_selection_is_a_clear_message_and_nothing_changes(client, handler, mix):
    client.force_login(handler)
    response = post(client, "bulk-status", [], status=S.RESOLVED, back="/incidents/")
    assert response.status_code == 302 and response["Location"] == "/incidents/"
    response = client.post(reverse("incidents:bulk-status"), {"ids": ["x"], "status": "closed"})
    assert response.status_code == 302
    response = post(client, "bulk-status", [mix[0].pk], status="graded")
    assert response.status_code == 302  # not a move the list offers
    assert Incident.objects.get(pk=mix[0].pk).status == S.NEW


def test_export_holds_only_what_the_user_may_see(client, handler, mix):
    new, handling, theirs = mix
    client.force_login(handler)
    response = post(client, "bulk-export", [theirs.pk, handling.pk, new.pk])
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].values)
    assert [r[0] for r in rows[1:]] == [handling.reference, new.reference]


def test_list_shows_the_toolbar_to_those_who_work_cases(client, handler, staff, mix):
    client.force_login(handler)
    body = client.get(reverse("incidents:list")).content.decode()
    assert 'id="bulk-form"' in body and f'value="{mix[0].pk}" form="bulk-form"' in body
    client.force_login(staff)
    assert 'id="bulk-form"' not in client.get(reverse("incidents:list")).content.decode()


def test_tasks_state_and_assign_mixed(client, handler, handler2, outsider_handler, mix):
    new, handling, theirs = mix
    ours = services.task_create(incident=handling, actor=handler, title="隔离主机")
    other = services.task_create(incident=theirs, actor=outsider_handler, title="通知营业部")
    client.force_login(handler)
    response = post(client, "bulk-task-state", [ours.pk, other.pk], state=IncidentTask.State.DONE)
    assert [r.ok for r in response.context["results"]] == [True, False]
    assert IncidentTask.objects.get(pk=ours.pk).state == IncidentTask.State.DONE
    assert IncidentTask.objects.get(pk=other.pk).state != IncidentTask.State.DONE
    response = post(client, "bulk-task-assign", [ours.pk, other.pk], assignee=handler2.pk)
    assert [r.ok for r in response.context["results"]] == [True, False]
    with pytest.raises(Exception, match="."):
        bulk.parse_ids([str(i) for i in range(1, bulk.MAX_ITEMS + 2)])


def test_task_table_has_a_toolbar_that_posts_the_ticked_tasks(client, handler, handler2, mix):
    import re

    _new, handling, _theirs = mix
    first = services.task_create(incident=handling, actor=handler, title="隔离主机")
    second = services.task_create(incident=handling, actor=handler, title="保全日志")
    client.force_login(handler)
    page = client.get(reverse("incidents:detail", args=[handling.pk])).content.decode()
    assert 'id="task-bulk-form"' in page
    assert reverse("incidents:bulk-task-state") in page
    assert reverse("incidents:bulk-task-assign") in page
    boxes = set(map(int, re.findall(r'name="ids" value="(\d+)" form="task-bulk-form"', page)))
    assert {first.pk, second.pk} <= boxes  # with the case's own tasks from its grade
    ticked = [first.pk, second.pk]
    response = post(client, "bulk-task-state", ticked, state=IncidentTask.State.DONE)
    assert [r.ok for r in response.context["results"]] == [True, True]
    assert set(IncidentTask.objects.filter(pk__in=ticked).values_list("state", flat=True)) == {
        IncidentTask.State.DONE
    }
    response = post(client, "bulk-task-assign", ticked[:1], assignee=handler2.pk)
    assert [r.ok for r in response.context["results"]] == [True]
    assert IncidentTask.objects.get(pk=ticked[0]).assignee == handler2


def test_task_toolbar_hidden_from_those_who_cannot_work_the_case(client, auditor, handler, mix):
    _new, handling, _theirs = mix
    services.task_create(incident=handling, actor=handler, title="隔离主机")
    client.force_login(auditor)
    page = client.get(reverse("incidents:detail", args=[handling.pk])).content.decode()
    assert "隔离主机" in page and 'id="task-bulk-form"' not in page
