import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.policy import SYSTEM
from deadlines import services
from deadlines.models import Deadline

pytestmark = pytest.mark.django_db


@pytest.fixture
def mine_and_others(report_kind, department, handler, staff):
    now = timezone.now()
    overdue = services.deadline_create(
        subject=department, kind=report_kind, due_at=now - timedelta(hours=1), owner=handler,
        title="首报逾期", now=now - timedelta(days=1),
        actor=SYSTEM,
    )  # fmt: skip
    soon = services.deadline_create(
        subject=department, kind=report_kind, due_at=now + timedelta(hours=3), owner=handler,
        title="续报", calendar_confirmed=False,
        actor=SYSTEM,
    )  # fmt: skip
    other = services.deadline_create(
        subject=department, kind=report_kind, due_at=now + timedelta(days=3), owner=staff,
        title="别人的",
        actor=SYSTEM,
    )  # fmt: skip
    return overdue, soon, other


def test_mine_lists_only_my_open_deadlines(client_for, handler, mine_and_others):
    overdue, soon, other = mine_and_others
    services.deadline_meet(deadline=overdue, actor=SYSTEM)
    response = client_for(handler).get(reverse("deadlines:mine"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "续报" in body and "别人的" not in body and "首报逾期" not in body
    assert "工作日历未确认" in body or "calendar unconfirmed" in body


def test_mine_marks_overdue(client_for, handler, mine_and_others):
    body = client_for(handler).get(reverse("deadlines:mine")).content.decode()
    assert "首报逾期" in body
    assert 'class="badge danger"' in body


def test_firm_page_is_for_firm_wide_roles(client_for, handler, officer, mine_and_others):
    assert client_for(handler).get(reverse("deadlines:firm")).status_code == 403
    client = client_for(officer)
    body = client.get(reverse("deadlines:firm")).content.decode()
    assert "续报" in body and "别人的" in body
    body = client.get(reverse("deadlines:firm"), {"unconfirmed": "1"}).content.decode()
    assert "续报" in body and "别人的" not in body
    # The filter is the form class's: the ticked box stays ticked, a bad kind shows everything.
    assert re.search(r'<input type="checkbox" name="unconfirmed"[^>]*checked', body)
    body = client.get(reverse("deadlines:firm"), {"kind": "no-such-kind"}).content.decode()
    assert "续报" in body and "别人的" in body


def test_firm_page_query_count_does_not_grow(
    client_for, officer, mine_and_others, django_assert_max_num_queries
):
    client = client_for(officer)
    client.get(reverse("deadlines:firm"))
    with django_assert_max_num_queries(12):
        client.get(reverse("deadlines:firm"), {"state": "all"})


def test_admin_lists_deadlines_and_outbox_for_officers(client_for, officer, mine_and_others):
    client = client_for(officer)
    assert client.get(reverse("admin:deadlines_deadline_changelist")).status_code == 200
    assert client.get(reverse("admin:deadlines_reminderpolicy_changelist")).status_code == 200
    assert client.get(reverse("admin:deadlines_holidayoverride_changelist")).status_code == 200
    assert client.get(reverse("admin:notifications_outbox_changelist")).status_code == 200


def test_admin_waive_action(client_for, officer, mine_and_others):
    overdue, soon, other = mine_and_others
    response = client_for(officer).post(
        reverse("admin:deadlines_deadline_changelist"),
        {"action": "waive_selected", "_selected_action": [soon.pk]},
    )
    assert response.status_code == 302
    soon.refresh_from_db()
    assert soon.state == Deadline.State.WAIVED


def test_demo_seeder(db):
    from accounts.demo import seed_people
    from deadlines.demo import seed_deadlines

    seed_people()
    seed_deadlines()
    seed_deadlines()  # idempotent
    assert Deadline.objects.count() == 5
    assert Deadline.objects.filter(state=Deadline.State.MISSED).count() == 1  # a firm that mostly complies
    assert Deadline.objects.filter(calendar_confirmed=False).count() == 1
