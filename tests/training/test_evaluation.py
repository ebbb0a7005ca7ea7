import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from tests.conftest import make_user
from training import exports, selectors, services
from training.models import TrainingAssignment

from .conftest import answers_for

pytestmark = pytest.mark.django_db


def _finish(course, user, right):
    a = TrainingAssignment.objects.get(course=course, user=user)
    services.assignment_mark_read(assignment=a, actor=user)
    attempt = services.quiz_start(assignment=a, actor=user)
    services.quiz_submit(attempt=attempt, answers=answers_for(attempt, right=right), actor=user)
    a.refresh_from_db()
    return a


@pytest.fixture
def two_trainees(quiz_course, staff, officer, department, roles):
    other = make_user("li", None, department=department, job_role=roles["developer"])
    course = quiz_course
    course.audience_users.add(other)
    services.assignments_generate(course=course)
    _finish(course, staff, {"Q1", "Q2", "Q3"})  # 100, passes
    _finish(course, other, {"Q1"})  # 33, fails first attempt
    return course, staff, other


def test_course_figures(two_trainees):
    course, staff, other = two_trainees
    stats = selectors.course_stats(course=course)
    assert stats["assigned"] == 2
    assert stats["completed"] == 1
    assert stats["attempted"] == 2
    assert stats["passed"] == 1
    assert stats["pass_rate"] == 50.0
    assert stats["average_score"] == pytest.approx((100 + 33) / 2, abs=0.1)
    assert stats["completion_rate"] == 50.0


def test_question_difficulty(two_trainees):
    course, *_ = two_trainees
    rows = {r["question"].text: r for r in selectors.question_difficulty(course=course)}
    assert rows["Q1"]["answered"] == 2 and rows["Q1"]["right"] == 2
    assert rows["Q1"]["difficulty"] == 0.0
    assert rows["Q3"]["right"] == 1 and rows["Q3"]["difficulty"] == 50.0


def test_completion_by_department_and_role(two_trainees):
    course, *_ = two_trainees
    by_role = {r["name"]: r for r in selectors.completion_by_role(plan=course.plan)}
    assert by_role["安全工程师"]["completed"] == 1
    assert by_role["开发人员"]["completed"] == 0
    by_dept = selectors.completion_by_department(plan=course.plan)
    assert by_dept[0]["assigned"] == 2 and by_dept[0]["completion_rate"] == 50.0


def test_feedback_only_after_finishing_and_within_1_to_5(two_trainees, staff):
    from core.errors import ApplicationError

    course, *_ = two_trainees
    a = TrainingAssignment.objects.get(course=course, user=staff)
    with pytest.raises(ApplicationError):
        services.feedback_submit(assignment=a, rating=6, actor=staff)
    services.feedback_submit(assignment=a, rating=5, comments="好", actor=staff)
    assert selectors.course_stats(course=course)["average_rating"] == 5


def test_excel_export_has_every_sheet(two_trainees, staff, officer, client_for):
    course, *_ = two_trainees
    a = TrainingAssignment.objects.get(course=course, user=staff)
    services.feedback_submit(assignment=a, rating=4, comments="案例实用", actor=staff)
    wb = load_workbook(io.BytesIO(exports.plan_workbook(plan=course.plan)))
    assert len(wb.sheetnames) == 5
    rows = {r[0]: r for r in wb.worksheets[0].iter_rows(values_only=True)}
    assert rows["数据安全基础"][2] == 2 and rows["数据安全基础"][3] == 1
    feedback = list(wb.worksheets[4].iter_rows(values_only=True))
    assert feedback[1][2] == 4 and feedback[1][3] == "案例实用"
    response = client_for(officer).get(f"/training/plans/{course.plan.pk}/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_evaluation_freezes_the_figures(two_trainees, officer):
    course, *_ = two_trainees
    ev = services.evaluation_record(plan=course.plan, conclusion="总体达标", actor=officer)
    figures = {c["title"]: c for c in ev.figures["courses"]}
    assert figures["数据安全基础"]["assigned"] == 2
    assert ev.figures["by_role"]


def test_officer_pages_render(two_trainees, officer, client_for, year):
    course, *_ = two_trainees
    client = client_for(officer)
    for url in (
        "/training/plans/",
        f"/training/plans/{course.plan.pk}/",
        f"/training/courses/{course.pk}/",
        f"/training/plans/{course.plan.pk}/courses/new/",
    ):
        assert client.get(url).status_code == 200, url
    response = client.post(
        f"/training/plans/{course.plan.pk}/courses/new/",
        {
            "title": "新课程",
            "due_date": dt.date(year, 12, 1).isoformat(),
            "duration_minutes": 30,
            "pass_mark": 80,
            "questions_per_attempt": 0,
            "max_attempts": 3,
            "newcomer_days": 14,
            "audience_all": "on",
            "topics": ["laws_rules"],
        },
    )
    assert response.status_code == 302


def test_staff_cannot_open_officer_pages(two_trainees, staff, client_for):
    course, *_ = two_trainees
    client = client_for(staff)
    assert client.get(f"/training/plans/{course.plan.pk}/").status_code == 403
    assert client.get(f"/training/plans/{course.plan.pk}/export.xlsx").status_code == 403


def test_the_evaluation_form_says_what_is_missing(approved_plan, officer, auditor, client_for):
    from django.urls import reverse

    url = reverse("training:plan_evaluate", args=[approved_plan.pk])
    client = client_for(officer)
    response = client.post(url, {}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    said = [(m.level_tag, str(m.message)) for m in response.context["messages"]]
    assert said == [("error", "Write the conclusion of the evaluation.")]
    assert response.redirect_chain[-1][0] == reverse("training:plan", args=[approved_plan.pk])
    response = client.post(url, {"conclusion": "总体达标"}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    said = [(m.level_tag, str(m.message)) for m in response.context["messages"]]
    assert said == [("success", "The evaluation has been recorded.")]
    assert approved_plan.evaluations.get().conclusion == "总体达标"
    # Auditors read the officers' pages and post nothing.
    assert client_for(auditor).post(url, {"conclusion": "x"}).status_code == 403
    assert (
        client_for(auditor).get(reverse("training:plan", args=[approved_plan.pk])).status_code
        == 200
    )
