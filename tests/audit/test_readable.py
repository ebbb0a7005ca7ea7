"""Issue 18, point 5: an auditor reads the log without decoding it: choice labels instead of
codes, related records by name with a link, changed times in Beijing time, filters that find
a person's, a record's and an action's entries in a date range."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType

from accounts.models import Department, User
from audit.context import Channel, acting_as, channel
from audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def _rows_for(client, obj):
    ct = ContentType.objects.get_for_model(obj)
    response = client.get("/audit/", {"model": ct.pk, "object_id": obj.pk})
    assert response.status_code == 200
    return response, response.context["rows"]


def _changes(rows, action=AuditEntry.Action.UPDATE):
    for entry, changes in rows:
        if entry.action == action:
            return {label: (before, after) for label, before, after in changes}
    raise AssertionError("no entry with that action")


def _label(model, name):
    return str(model._meta.get_field(name).verbose_name)


def test_a_changed_time_is_shown_in_beijing_time(client_for, auditor, administrator, staff):
    with acting_as(administrator), channel(Channel.ADMIN):
        staff.date_joined = dt.datetime(2026, 3, 2, 12, 5, tzinfo=dt.UTC)  # 20:05 in Beijing
        staff.save()
    response, rows = _rows_for(client_for(auditor), staff)
    _before, after = _changes(rows)[_label(User, "date_joined")]
    assert after == "2026-03-02 20:05"
    html = response.content.decode()
    assert "2026-03-02 20:05" in html
    assert "2026-03-02 12:05" not in html


def test_choices_and_yes_no_are_shown_by_their_labels(client_for, auditor, administrator, staff):
    risk = Department.objects.create(name="风险管理部", code="risk")
    with acting_as(administrator), channel(Channel.ADMIN):
        risk.kind = Department.Kind.DATA_AUTHORITY
        risk.save()
        staff.is_active = False
        staff.save()
    _response, rows = _rows_for(client_for(auditor), risk)
    before, after = _changes(rows)[_label(Department, "kind")]
    assert (before, after) == (
        str(Department.Kind.OTHER.label),
        str(Department.Kind.DATA_AUTHORITY.label),
    )
    response, rows = _rows_for(client_for(auditor), staff)
    assert _changes(rows)[_label(User, "is_active")] == ("是", "否")
    html = response.content.decode()
    assert "True" not in html and "False" not in html


def test_a_related_record_is_named_and_linked(
    client_for, auditor, administrator, staff, officer, handler
):
    with acting_as(administrator), channel(Channel.ADMIN):
        staff.manager = officer
        staff.save()
    response, rows = _rows_for(client_for(auditor), staff)
    before, after = _changes(rows)[_label(User, "manager")]
    assert before == str(handler)
    assert after == str(officer)
    assert after.url == f"/admin/accounts/user/{officer.pk}/change/"
    html = response.content.decode()
    assert f'<a href="/admin/accounts/user/{officer.pk}/change/">{officer}</a>' in html
    # The record itself links to where it is read.
    assert f'href="/admin/accounts/user/{staff.pk}/change/"' in html


def test_an_incident_links_to_its_product_page(client_for, auditor, officer):
    from incidents.models import Incident

    incident_ct = ContentType.objects.get_for_model(Incident)
    # The record column links with the model's own page when it has one: no query per row.
    url = Incident(pk=41).get_absolute_url()
    from audit.selectors import record_url

    assert record_url(incident_ct, "41") == url


def test_filters_by_person_record_action_and_dates(client_for, auditor, administrator, officer):
    with acting_as(administrator), channel(Channel.ADMIN):
        risk = Department.objects.create(name="风险管理部", code="risk")
        it = Department.objects.create(name="科技部", code="tech")
    with acting_as(officer), channel(Channel.WEB):
        risk.name = "风险合规部"
        risk.save()
        it.delete()
    client = client_for(auditor)
    ct = ContentType.objects.get_for_model(Department)

    # By person: the display name works as well as the user name.
    response = client.get("/audit/", {"actor": officer.display_name})
    assert {e.actor_id for e, _c in response.context["rows"]} == {officer.pk}
    assert len(response.context["rows"]) == 2
    # By record: type and id.
    response = client.get("/audit/", {"model": ct.pk, "object_id": risk.pk})
    assert {e.object_pk for e, _c in response.context["rows"]} == {str(risk.pk)}
    assert len(response.context["rows"]) == 2
    # By action.
    response = client.get("/audit/", {"model": ct.pk, "action": AuditEntry.Action.DELETE})
    assert [e.object_repr for e, _c in response.context["rows"]] == [str(it)]
    # By date range (local days).
    today = dt.datetime.now(dt.UTC).astimezone().date()
    response = client.get("/audit/", {"model": ct.pk, "date_after": today, "date_before": today})
    assert len(response.context["rows"]) == AuditEntry.objects.filter(content_type=ct).count()
    yesterday = today - dt.timedelta(days=1)
    response = client.get("/audit/", {"model": ct.pk, "date_before": yesterday})
    assert response.context["rows"] == []
    # The filter form offers the people and actions by name.
    html = response.content.decode()
    assert "删除" in html and "记录类型" in html


def test_columns_that_must_not_wrap(client_for, auditor, administrator):
    with acting_as(administrator), channel(Channel.ADMIN):
        Department.objects.create(name="风险管理部", code="risk")
    html = client_for(auditor).get("/audit/").content.decode()
    assert 'class="text-nowrap audit-channel"' in html
    assert 'class="text-nowrap audit-action"' in html


def test_names_are_fetched_once_per_model_not_per_row(
    client_for,
    auditor,
    administrator,
    officer,
    handler,
    dept_factory,
    django_assert_max_num_queries,
):
    users = []
    for n in range(20):
        with acting_as(administrator), channel(Channel.ADMIN):
            user = User.objects.create_user(username=f"u{n}", manager=handler)
            user.manager = officer
            user.department = dept_factory()
            user.save()
        users.append(user)
    client = client_for(auditor)
    with django_assert_max_num_queries(14):
        response = client.get("/audit/")
    assert response.status_code == 200
    assert str(officer) in response.content.decode()


def test_the_date_range_boxes_are_labelled(auditor, client_for):
    html = client_for(auditor).get("/audit/").content.decode()
    assert 'aria-label="起始日期"' in html
    assert 'aria-label="截止日期"' in html
