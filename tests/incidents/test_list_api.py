"""The list API writes its rows without a serializer per row (issue 14's bench): the output is
exactly what IncidentListSerializer writes, and visibility is the selectors' rule."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incidents import selectors, services
from incidents.api import IncidentListSerializer

pytestmark = pytest.mark.django_db


def test_rows_are_what_the_serializer_writes(client_for, handler, handler2, officer):
    a = services.incident_create(
        title="无人负责的事件",
        category="data_security",
        source="internal",
        discovered_at=timezone.now() - timedelta(hours=3),
        actor=handler,
    )
    b = services.incident_create(
        title="已处置事件",
        category="network_attack",
        source="staff_report",
        discovered_at=timezone.now() - timedelta(hours=2),
        assignee=handler2,
        team=handler2.department,
        actor=handler,
    )
    services.incident_grade(incident=b, actor=handler)
    services.incident_start_handling(incident=b, actor=handler)
    now = timezone.now()
    services.incident_resolve(incident=b, actor=handler, contained_at=now, resolved_at=now)
    got = client_for(officer).get("/api/incidents/").json()["results"]
    expected = IncidentListSerializer(
        selectors.incident_list(user=officer, filters={}), many=True
    ).data
    assert got == [dict(r) for r in expected]
    assert {r["id"] for r in got} >= {a.pk, b.pk}
    by_id = {r["id"]: r for r in got}
    assert by_id[b.pk]["assignee_name"] == str(handler2) and by_id[a.pk]["assignee"] is None
    assert by_id[b.pk]["url"] == b.get_absolute_url()


def test_the_list_shows_only_what_the_caller_may_see(client_for, handler, outsider_handler):
    mine = services.incident_create(
        title="本部门事件",
        category="data_security",
        source="internal",
        discovered_at=timezone.now() - timedelta(hours=1),
        assignee=handler,
        team=handler.department,
        actor=handler,
    )
    ids = {r["id"] for r in client_for(outsider_handler).get("/api/incidents/").json()["results"]}
    assert mine.pk not in ids
    ids = {r["id"] for r in client_for(handler).get("/api/incidents/").json()["results"]}
    assert mine.pk in ids
