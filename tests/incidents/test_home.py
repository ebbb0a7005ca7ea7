"""The home per role (issue 18): each role sees the panels its apps registered, in order, each
with its rows or an empty state that says what to do next; reads bounded independent of size."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core import home
from incidents import services

pytestmark = pytest.mark.django_db


def _panels(client):
    import re

    html = client.get("/").content.decode()
    return re.findall(r'data-panel="([^"]+)"', html), html


def test_each_role_sees_its_own_panels(client_for, officer, handler, staff, auditor):
    assert _panels(client_for(handler))[0] == [
        "incidents.my_cases",
        "incidents.my_work",
        "notifications.unread",
    ]
    assert _panels(client_for(officer))[0] == [
        "reporting.due_soon",
        "reporting.approvals",
        "governance.obligations",
        "governance.expiring",
        "incidents.by_grade",
    ]
    assert _panels(client_for(staff))[0] == [
        "training.my_trainings",
        "incidents.my_rectifications",
        "incidents.my_concerns",
    ]
    assert _panels(client_for(auditor))[0] == ["audit.recent", "audit.chain", "audit.exports"]


def test_empty_panels_say_what_to_do_next(client_for, staff, handler):
    _keys, html = _panels(client_for(staff))
    assert "You have not reported anything" in html and "/incidents/concerns/new/" in html
    _keys, html = _panels(client_for(handler))
    assert "No open case is assigned to you" in html and "/incidents/concerns/" in html


def test_a_user_without_role_is_told_whom_to_ask(client_for, outsider):
    keys, html = _panels(client_for(outsider))
    assert keys == [] and "Ask an administrator" in html


def test_handler_cases_are_ordered_by_their_nearest_clock(client_for, handler, make_incident):
    later = make_incident(title="晚到期")
    sooner = make_incident(title="早到期")
    quiet = make_incident(title="无时限")
    now = timezone.now()
    services.task_create(incident=later, actor=handler, title="t", assignee=handler)

    from accounts.policy import SYSTEM
    from deadlines import services as deadline_services
    from deadlines.models import DeadlineKind

    kind = DeadlineKind.objects.first().code
    for case, hours in ((later, 10), (sooner, 2)):
        deadline_services.deadline_create(
            subject=case,
            kind=kind,
            due_at=now + timedelta(hours=hours),
            owner=handler,
            title=f"处置 {case.reference}",
            actor=SYSTEM,
        )
    _keys, html = _panels(client_for(handler))
    panel = html.split('data-panel="incidents.my_cases"')[1].split("</section>")[0]
    assert (
        panel.index(sooner.reference) < panel.index(later.reference) < panel.index(quiet.reference)
    )
    assert "countdown" in panel and "No clock running" in panel


@pytest.mark.parametrize("n", [2, 20])
def test_home_reads_are_bounded(
    client_for, handler, make_incident, django_assert_max_num_queries, n
):
    for i in range(n):
        case = make_incident(title=f"事件 {i}")
        services.task_create(incident=case, actor=handler, title=f"任务 {i}", assignee=handler)
    client = client_for(handler)
    client.get("/")
    # session user, roles, the unread count of the top bar; the panels: cases, their two clock
    # sources (reports, deadlines), tasks, rectification items, unread items and count
    with django_assert_max_num_queries(13):
        assert client.get("/").status_code == 200


def test_the_registry_shows_a_panel_to_its_roles_only(client_for, staff, handler):
    home.register(
        home.Panel(
            key="test.probe",
            title="Probe",
            template="core/home.html",
            context=lambda _user: {"panels": []},
            roles=frozenset({"staff"}),
            order=0,
        )
    )
    try:
        assert _panels(client_for(staff))[0][0] == "test.probe"
        assert "test.probe" not in _panels(client_for(handler))[0]
    finally:
        home.unregister("test.probe")
