import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Department, JobRole
from tests.conftest import make_user
from training import services
from training.models import Topic, TrainingPlan

ALL_TOPICS = list(Topic.values)


@pytest.fixture
def year():
    return timezone.localdate().year


@pytest.fixture
def roles(db, job_role):
    """Two job roles besides the personas' security engineer."""
    return {
        "security-engineer": job_role,
        "business-staff": JobRole.objects.create(name="业务人员", code="business-staff"),
        "developer": JobRole.objects.create(name="开发人员", code="developer"),
    }


@pytest.fixture
def plan(db, officer, year):
    return services.plan_create(year=year, title=f"{year}年度培训计划", actor=officer)


@pytest.fixture
def approved_plan(plan, officer, roles, year):
    services.course_create(
        plan=plan,
        title="全员必修",
        topics=ALL_TOPICS,
        due_date=dt.date(year, 12, 31),
        audience_all=True,
        actor=officer,
    )
    services.plan_approve(plan=plan, actor=officer)
    plan.refresh_from_db()
    assert plan.status == TrainingPlan.Status.APPROVED
    return plan


@pytest.fixture
def quiz_course(approved_plan, officer, staff, year):
    """A published course for `staff` alone: one text material, three questions (two single,
    one multiple), pass mark 60%, two attempts, all questions drawn."""
    course = services.course_create(
        plan=approved_plan,
        title="数据安全基础",
        topics=[Topic.LAWS_AND_RULES],
        due_date=dt.date(year, 12, 31),
        pass_mark=60,
        max_attempts=2,
        audience_users=[staff],
        actor=officer,
    )
    services.material_add(course=course, kind="text", title="要点", body="<p>ok</p>", actor=officer)
    services.question_add(
        course=course,
        text="Q1",
        choices=[("right", True), ("wrong", False)],
        actor=officer,
    )
    services.question_add(
        course=course,
        text="Q2",
        choices=[("right", True), ("wrong", False), ("also wrong", False)],
        actor=officer,
    )
    services.question_add(
        course=course,
        text="Q3",
        kind="multiple",
        choices=[("a", True), ("b", True), ("c", False)],
        actor=officer,
    )
    services.course_publish(course=course, actor=officer, enqueue=False)
    services.assignments_generate(course=course)
    return course


def answers_for(attempt, *, right: set[str]):
    """Answer each drawn question correctly if its text is in `right`, else wrongly."""
    out = {}
    for row in attempt.answers.select_related("question").prefetch_related("question__choices"):
        choices = list(row.question.choices.all())
        good = row.question.text in right
        out[row.question_id] = (
            [c.pk for c in choices if c.is_correct == good][:1]
            if (row.question.kind == "single")
            else [c.pk for c in choices if c.is_correct == good]
        )
    return out


@pytest.fixture
def many_staff(db, department, roles):
    def make(n, *, role="business-staff", prefix="u"):
        return [
            make_user(f"{prefix}{i}", None, department=department, job_role=roles[role])
            for i in range(n)
        ]

    return make


@pytest.fixture
def other_department(db):
    return Department.objects.create(name="经纪业务部", code="brokerage")
