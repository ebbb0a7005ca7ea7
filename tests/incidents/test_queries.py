"""Query counts bounded independent of page size / amount of data (issue 14's acceptance: the
list page, the list API and the incident page, each at two data sizes)."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from incidents import services

pytestmark = pytest.mark.django_db


def _seed(n, handler, handler2):
    made = []
    for i in range(n):
        inc = services.incident_create(
            title=f"事件 {i}",
            category="data_security",
            source="internal",
            discovered_at=timezone.now() - timedelta(hours=i + 1),
            assignee=handler if i % 2 else handler2,
            actor=handler,
            affected_systems=[{"name": f"s{i}", "category": "trading", "outage_minutes": i}],
        )
        made.append(inc)
    return made


def _rich(incident, handler, n):
    services.incident_grade(incident=incident, actor=handler)
    for i in range(n):
        services.timeline_add(incident=incident, actor=handler, text=f"记录 {i}")
        services.task_create(incident=incident, actor=handler, title=f"任务 {i}", assignee=handler)
        services.comment_add(incident=incident, actor=handler, body=f"评论 {i}")
        ev = services.evidence_add(
            incident=incident, actor=handler, file=ContentFile(b"x%d" % i, name=f"{i}.txt")
        )
        services.custody_add(evidence=ev, actor=handler, note="移交")
        services.rectification_create(
            incident=incident,
            title=f"整改 {i}",
            owner=handler,
            due_at=timezone.now() + timedelta(days=i + 1),
            actor=handler,
        )


@pytest.mark.parametrize("n", [3, 30])
def test_list_page_queries_bounded(client_for, handler, handler2, django_assert_max_num_queries, n):
    _seed(n, handler, handler2)
    c = client_for(handler)
    c.get("/incidents/")  # warm caches (content types, session)
    # user, roles, count, rows, assignee options, unread count (the session is in the cache)
    with django_assert_max_num_queries(8):
        resp = c.get("/incidents/?per_page=100")
    assert resp.status_code == 200 and resp.content.decode().count("/incidents/") > n
    with django_assert_max_num_queries(8):
        c.get("/incidents/?overdue=1&status=new&q=事件")


@pytest.mark.parametrize("n", [3, 60])
def test_list_api_queries_bounded(client_for, handler, handler2, django_assert_max_num_queries, n):
    _seed(n, handler, handler2)
    c = client_for(handler)
    c.get("/api/incidents/")
    # user, roles, count, rows
    with django_assert_max_num_queries(6):
        resp = c.get("/api/incidents/?status=new")
    assert resp.json()["count"] == n


@pytest.mark.parametrize("n", [1, 8])
def test_incident_page_queries_bounded(
    client_for, handler, handler2, django_assert_max_num_queries, n
):
    incident = _seed(1, handler, handler2)[0]
    _rich(incident, handler, n)
    c = client_for(handler)
    c.get(f"/incidents/{incident.pk}/")
    # user, roles, case, ten lists, criteria, unread count, the case's clocks (reports,
    # deadlines) and, the blockers only once summarised (the forms open on demand)
    # 18: the task table's bulk toolbar lists the handlers one may assign to (one query).
    with django_assert_max_num_queries(18):
        resp = c.get(f"/incidents/{incident.pk}/")
    assert resp.status_code == 200 and resp.content.decode().count("记录 ") == n
