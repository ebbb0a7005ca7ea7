import datetime as dt

import pytest

from core.errors import ApplicationError
from training import services
from training.models import Topic, TrainingPlan

pytestmark = pytest.mark.django_db


def _course(plan, officer, year, **kw):
    defaults = {"title": "课程", "due_date": dt.date(year, 6, 30)}
    defaults.update(kw)
    return services.course_create(plan=plan, actor=officer, **defaults)


def test_missing_topic_names_it(plan, officer, roles, year):
    covered = [t for t in Topic.values if t != Topic.INCIDENT_HANDLING]
    _course(plan, officer, year, topics=covered, audience_all=True)
    with pytest.raises(ApplicationError) as exc:
        services.plan_approve(plan=plan, actor=officer)
    message = str(exc.value.message)
    assert str(Topic.INCIDENT_HANDLING.label) in message
    assert str(Topic.LAWS_AND_RULES.label) not in message
    assert exc.value.extra["missing_topics"] == [Topic.INCIDENT_HANDLING]
    plan.refresh_from_db()
    assert plan.status == TrainingPlan.Status.DRAFT


def test_missing_role_names_it(plan, officer, roles, year):
    _course(
        plan,
        officer,
        year,
        topics=Topic.values,
        audience_roles=[roles["security-engineer"], roles["business-staff"]],
    )
    with pytest.raises(ApplicationError) as exc:
        services.plan_approve(plan=plan, actor=officer)
    message = str(exc.value.message)
    assert "开发人员" in message
    assert "业务人员" not in message
    assert exc.value.extra["missing_roles"] == ["developer"]
    assert exc.value.extra["missing_topics"] == []


def test_topics_spread_over_courses_and_roles_covered_approves(plan, officer, roles, year):
    _course(
        plan,
        officer,
        year,
        topics=[Topic.LAWS_AND_RULES, Topic.ROLE_DUTIES, Topic.CONSEQUENCES],
        audience_roles=list(roles.values()),
    )
    _course(
        plan,
        officer,
        year,
        title="技术岗",
        topics=[Topic.PROTECTIVE_MEASURES, Topic.INCIDENT_HANDLING],
        audience_roles=[roles["developer"]],
    )
    services.plan_approve(plan=plan, actor=officer)
    plan.refresh_from_db()
    assert plan.status == TrainingPlan.Status.APPROVED
    assert plan.approved_by == officer


def test_staff_cannot_approve(plan, staff, officer, roles, year):
    _course(plan, officer, year, topics=Topic.values, audience_all=True)
    with pytest.raises(ApplicationError):
        services.plan_approve(plan=plan, actor=staff)


def test_approve_page_shows_the_missing_topic(plan, officer, roles, year, client_for):
    _course(plan, officer, year, topics=[Topic.LAWS_AND_RULES], audience_all=True)
    client = client_for(officer)
    response = client.post(f"/training/plans/{plan.pk}/approve/", follow=True)
    assert response.status_code == 200
    assert str(Topic.INCIDENT_HANDLING.label) in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == TrainingPlan.Status.DRAFT
