import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from deadlines.models import Deadline
from tests.conftest import make_user
from training import reminders, services, tasks
from training.models import Course, Topic, TrainingAssignment

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(approved_plan, officer, roles, year):
    return services.course_create(
        plan=approved_plan,
        title="业务岗位职责",
        topics=[Topic.ROLE_DUTIES],
        due_date=dt.date(year, 12, 31),
        audience_roles=[roles["business-staff"]],
        actor=officer,
    )


def _publish(course, officer):
    services.course_publish(course=course, actor=officer, enqueue=False)
    course.refresh_from_db()
    return course


def test_generation_twice_creates_nothing_new(course, officer, many_staff, staff):
    people = many_staff(25)
    _publish(course, officer)
    assert services.assignments_generate(course=course) == 25
    assert services.assignments_generate(course=course) == 0
    assert course.assignments.count() == 25
    assert set(course.assignments.values_list("user_id", flat=True)) == {u.pk for u in people}


def test_task_reports_progress_and_is_idempotent(course, officer, many_staff):
    many_staff(5)
    _publish(course, officer)
    seen = []
    services.assignments_generate(course=course, progress=lambda d, t: seen.append((d, t)))
    assert seen[0] == (0, 5) and seen[-1] == (5, 5)
    result = tasks.generate_assignments.apply(args=[course.pk]).get()
    assert result == {"created": 0, "total": 5}


def test_audience_by_department_role_and_individuals(
    approved_plan, officer, roles, department, other_department, staff, year
):
    outsider_dept = make_user("b1", None, department=other_department)
    by_role = make_user("d1", None, department=other_department, job_role=roles["developer"])
    picked = make_user("p1", None)
    inactive = make_user("x1", None, department=department, is_active=False)
    c = services.course_create(
        plan=approved_plan,
        title="混合受众",
        due_date=dt.date(year, 12, 31),
        audience_departments=[department],
        audience_roles=[roles["developer"]],
        audience_users=[picked],
        actor=officer,
    )
    _publish(c, officer)
    services.assignments_generate(course=c)
    users = set(c.assignments.values_list("user_id", flat=True))
    assert staff.pk in users and by_role.pk in users and picked.pk in users
    assert outsider_dept.pk not in users and inactive.pk not in users


def test_newcomers_are_picked_up_by_the_sync(course, officer, many_staff, roles, department):
    many_staff(3)
    _publish(course, officer)
    services.assignments_generate(course=course)
    newcomer = make_user("new", None, department=department, job_role=roles["business-staff"])
    tasks.sync_assignments.apply()
    assert course.assignments.filter(user=newcomer).exists()
    assert course.assignments.count() == 4


def test_late_joiner_gets_grace_days(approved_plan, officer, roles, department, year):
    c = services.course_create(
        plan=approved_plan,
        title="早期课程",
        due_date=dt.date(year, 1, 31),
        audience_roles=[roles["business-staff"]],
        newcomer_days=10,
        actor=officer,
    )
    _publish(c, officer)
    with time_machine.travel(dt.datetime(year, 3, 1, 10, tzinfo=dt.UTC), tick=False):
        late = make_user("late", None, department=department, job_role=roles["business-staff"])
        services.assignments_sync_all()
    a = c.assignments.get(user=late)
    assert a.due_date == dt.date(year, 3, 11)


def test_unpublished_course_cannot_generate(course):
    from core.errors import ApplicationError

    with pytest.raises(ApplicationError):
        services.assignments_generate(course=course)


def test_publish_enqueues_generation_after_commit(
    course, officer, many_staff, django_capture_on_commit_callbacks, monkeypatch
):
    many_staff(2)
    calls = []
    monkeypatch.setattr(
        tasks.generate_assignments,
        "apply_async",
        lambda args, kwargs=None, task_id=None: calls.append((list(args), task_id)),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.course_publish(course=course, actor=officer)
    course.refresh_from_db()
    assert course.status == Course.Status.PUBLISHED
    assert calls == [([course.pk], course.generation_task_id)]


def test_progress_endpoint_reads_task_state(course, officer, many_staff, client_for, monkeypatch):
    many_staff(3)
    _publish(course, officer)
    # An in-process run stores its final state like a worker does (django-celery-results).
    monkeypatch.setattr(tasks.generate_assignments, "store_eager_result", True, raising=False)
    result = tasks.generate_assignments.apply(args=[course.pk], task_id="t-progress-1")
    assert result.successful()
    Course.objects.filter(pk=course.pk).update(generation_task_id="t-progress-1")
    data = client_for(officer).get(f"/training/courses/{course.pk}/progress/").json()
    assert data["state"] == "SUCCESS"
    assert data["percent"] == 100
    assert data["assigned"] == 3


# --- reminders on the deadline engine -----------------------------------------------------


def test_reminder_scheduled_when_due_soon_and_met_on_completion(
    approved_plan, officer, staff, year
):
    today = timezone.localdate()
    due = min(today + dt.timedelta(days=10), dt.date(year, 12, 31))
    c = services.course_create(
        plan=approved_plan,
        title="即将到期",
        due_date=due,
        audience_users=[staff],
        actor=officer,
    )
    services.material_add(course=c, kind="text", title="t", body="<p>x</p>", actor=officer)
    _publish(c, officer)
    services.assignments_generate(course=c)
    a = c.assignments.get()
    assert a.reminders_scheduled
    d = Deadline.objects.get(kind__code=reminders.ASSIGNMENT_KIND, object_id=a.pk)
    assert d.owner == staff
    assert d.state == Deadline.State.OPEN
    steps = list(d.kind.policy.steps.order_by("offset_seconds"))
    assert steps[-1].recipients == ["owner", "owner_manager"]
    services.assignment_mark_read(assignment=a, actor=staff)
    d.refresh_from_db()
    assert d.state == Deadline.State.MET


def test_far_due_dates_are_scheduled_by_the_sweep(course, officer, many_staff, year):
    many_staff(3)
    _publish(course, officer)
    with time_machine.travel(dt.datetime(year, 1, 5, 2, tzinfo=dt.UTC), tick=False):
        services.assignments_generate(course=course)
        assert not course.assignments.filter(reminders_scheduled=True).exists()
        assert reminders.schedule_due_soon() == 0
    with time_machine.travel(dt.datetime(year, 12, 10, 2, tzinfo=dt.UTC), tick=False):
        assert reminders.schedule_due_soon() == 3
        assert reminders.schedule_due_soon() == 0
    assert Deadline.objects.filter(kind__code=reminders.ASSIGNMENT_KIND).count() == 3


# --- visibility -----------------------------------------------------------------------------


def test_api_staff_see_only_their_own_assignments(course, officer, staff, roles, client_for):
    other = make_user("colleague", None, job_role=roles["security-engineer"])
    c = services.course_create(
        plan=course.plan,
        title="两人课程",
        due_date=course.due_date,
        audience_users=[staff, other],
        actor=officer,
    )
    _publish(c, officer)
    services.assignments_generate(course=c)
    mine = client_for(staff).get("/api/training/assignments/").json()["results"]
    assert [r["user"] for r in mine] == [staff.pk]
    other_id = c.assignments.get(user=other).pk
    assert client_for(staff).get(f"/api/training/assignments/{other_id}/").status_code == 404
    everyone = client_for(officer).get("/api/training/assignments/").json()
    assert everyone["count"] == 2


def test_my_trainings_page_splits_due_overdue_done(approved_plan, officer, staff, client_for, year):
    c = services.course_create(
        plan=approved_plan,
        title="过期课程",
        due_date=dt.date(year, 1, 2),
        audience_users=[staff],
        actor=officer,
    )
    _publish(c, officer)
    with time_machine.travel(dt.datetime(year, 1, 1, 2, tzinfo=dt.UTC), tick=False):
        services.assignments_generate(course=c)
    TrainingAssignment.objects.filter(course=c).update(due_date=dt.date(year - 1, 12, 1))
    page = client_for(staff).get("/training/").content.decode()
    assert "过期课程" in page
    from training import selectors

    groups = selectors.my_assignments(user=staff)
    assert [a.course.title for a in groups["overdue"]] == ["过期课程"]


def test_portable_bulk_create_path_is_idempotent_too(course, officer, many_staff, monkeypatch):
    """The embedded default (SQLite) uses bulk_create(ignore_conflicts=True); same result."""
    from django.db import connection

    many_staff(7)
    _publish(course, officer)
    monkeypatch.setattr(connection, "vendor", "sqlite")
    assert services.assignments_generate(course=course) == 7
    assert (
        services._insert_assignments(
            course=course,
            due=course.due_date,
            user_ids=list(course.assignments.values_list("user_id", flat=True)),
        )
        == 0
    )
    assert course.assignments.count() == 7
