"""core.prepared: an ORM read compiled once, then run with other ids, returns what the ORM
would return for those ids. Every test runs twice: compiled (PREPARED_QUERIES=True) and through
the ORM (False); and when the ORM internals it reads are missing, it falls back with a warning."""

import logging
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Department, User
from core.prepared import PreparedQuery, _column_names

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=[True, False], ids=["prepared", "orm"])
def prepared(request, settings):
    settings.PREPARED_QUERIES = request.param
    return request.param


def _users_of(department):
    return (
        User.objects.filter(department_id=department)
        .order_by("username")
        .values("username", "date_joined", "department__name")
    )


def test_rows_match_the_orm_for_each_id_after_one_compilation():
    a = Department.objects.create(name="信息技术部", code="it")
    b = Department.objects.create(name="合规部", code="compliance")
    joined = timezone.now() - timedelta(days=3)
    User.objects.create(username="wang", department=a, date_joined=joined)
    User.objects.create(username="li", department=a)
    User.objects.create(username="zhao", department=b)
    query = PreparedQuery(_users_of, "department")

    for dept in (a, b, a):
        rows = query.rows(department=dept.pk)
        assert rows == list(_users_of(dept.pk))
    rows = query.rows(department=a.pk)
    assert [r.username for r in rows] == ["li", "wang"]
    assert rows[1].date_joined == joined and rows[1].date_joined.tzinfo is not None
    assert rows[0].department__name == "信息技术部"
    assert query.rows(department=999_999) == []


def test_one_statement_per_run_and_values_are_parameters():
    dept = Department.objects.create(name="信息技术部", code="it")
    query = PreparedQuery(_users_of, "department")
    query.rows(department=dept.pk)
    with CaptureQueriesContext(connection) as ctx:
        query.rows(department=dept.pk)
    assert len(ctx.captured_queries) == 1


def test_converters_are_applied_like_values():
    from incidents.models import GradingCriterion

    query = PreparedQuery(
        lambda criterion: GradingCriterion.objects.filter(pk=criterion).values(
            "threshold", "cii_only"
        ),
        "criterion",
    )
    criterion = GradingCriterion.objects.exclude(threshold=None).first()
    assert criterion is not None, "the seeded grading criteria have thresholds"
    (row,) = query.rows(criterion=criterion.pk)
    assert isinstance(row.threshold, Decimal) and row.threshold == criterion.threshold
    assert row.cii_only is criterion.cii_only


def test_a_parameter_that_is_not_sent_as_a_parameter_is_refused(prepared):
    User.objects.create(username="wang")
    query = PreparedQuery(lambda department: User.objects.values("username"), "department")
    if prepared:
        with pytest.raises(ValueError, match="department"):
            query.rows(department=1)
    else:  # the ORM evaluates what was written (nothing to substitute, nothing to refuse)
        assert query.rows(department=1) == [{"username": "wang"}]


def test_only_values_querysets_and_the_declared_parameters():
    with pytest.raises(TypeError):
        PreparedQuery(
            lambda department: User.objects.filter(department_id=department), "department"
        ).rows(department=1)
    query = PreparedQuery(_users_of, "department")
    with pytest.raises(TypeError):
        query.rows(dept=1)


def test_missing_attribute_is_an_attribute_error():
    dept = Department.objects.create(name="信息技术部", code="it")
    User.objects.create(username="wang", department=dept)
    (row,) = PreparedQuery(_users_of, "department").rows(department=dept.pk)
    with pytest.raises(AttributeError):
        row.password  # noqa: B018


def test_string_parameters():
    a = Department.objects.create(name="信息技术部", code="it")
    Department.objects.create(name="合规部", code="compliance")
    query = PreparedQuery(
        lambda code: Department.objects.filter(code=code).values("name"), "code:str"
    )
    assert query.rows(code="it") == [{"name": "信息技术部"}]
    assert query.rows(code="compliance")[0].name == "合规部"
    assert query.rows(code="it'; DROP TABLE accounts_department; --") == []
    assert Department.objects.filter(pk=a.pk).exists()


class _Query51:
    """Query attributes as Django 5.1 has them (no `selected`)."""

    def __init__(self, query):
        self._query = query

    def __getattr__(self, name):
        if name == "selected":
            raise AttributeError("'Query' object has no attribute 'selected'")
        return getattr(self._query, name)


def _names_on_django_5_1(query):
    return _column_names(_Query51(query))


def test_missing_orm_internals_fall_back_to_the_orm_with_a_warning(monkeypatch, caplog):
    """Another Django version without the private attributes this reads: same rows, a warning."""
    monkeypatch.setattr("core.prepared._column_names", _names_on_django_5_1)
    dept = Department.objects.create(name="信息技术部", code="it")
    User.objects.create(username="wang", department=dept)
    query = PreparedQuery(_users_of, "department")
    with caplog.at_level(logging.WARNING, logger="core.prepared"):
        assert query.rows(department=dept.pk) == list(_users_of(dept.pk))
        assert query.rows(department=dept.pk)[0].username == "wang"
    warnings = [r for r in caplog.records if r.name == "core.prepared"]
    if settings_prepared():
        assert len(warnings) == 1 and "evaluated through the ORM" in warnings[0].getMessage()
    else:
        assert warnings == []  # nothing was compiled, nothing to warn about


def settings_prepared():
    from django.conf import settings

    return settings.PREPARED_QUERIES


def test_the_incident_page_renders_when_the_internals_are_missing(
    monkeypatch, caplog, client_for, handler
):
    from incidents import selectors, services

    for query in vars(selectors).values():
        if isinstance(query, PreparedQuery):  # compile again, as a fresh process would
            monkeypatch.setattr(query, "_compiled", {})
            monkeypatch.setattr(query, "_orm_only", False)
    monkeypatch.setattr("core.prepared._column_names", _names_on_django_5_1)
    incident = services.incident_create(
        title="客户数据疑似泄露",
        category="data_security",
        source="internal",
        discovered_at=timezone.now(),
        assignee=handler,
        actor=handler,
    )
    services.timeline_add(incident=incident, actor=handler, text="封堵接口")
    with caplog.at_level(logging.WARNING, logger="core.prepared"):
        resp = client_for(handler).get(f"/incidents/{incident.pk}/")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert incident.reference in html and "封堵接口" in html
    assert bool([r for r in caplog.records if r.name == "core.prepared"]) == settings_prepared()
