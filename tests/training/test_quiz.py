import random

import pytest

from core.errors import ApplicationError
from training import services
from training.models import TrainingAssignment

from .conftest import answers_for

pytestmark = pytest.mark.django_db


def _assignment(course, user):
    return TrainingAssignment.objects.get(course=course, user=user)


def test_quiz_needs_materials_read_first(quiz_course, staff):
    a = _assignment(quiz_course, staff)
    with pytest.raises(ApplicationError):
        services.quiz_start(assignment=a, actor=staff)


def test_scoring_exact_set_and_pass(quiz_course, staff):
    a = _assignment(quiz_course, staff)
    services.assignment_mark_read(assignment=a, actor=staff)
    attempt = services.quiz_start(assignment=a, actor=staff)
    assert attempt.answers.count() == 3
    answers = answers_for(attempt, right={"Q1", "Q2"})
    # Q3 (multiple): only one of the two right answers: counts as wrong.
    q3 = attempt.answers.get(question__text="Q3").question
    answers[q3.pk] = [q3.choices.get(text="a").pk]
    attempt = services.quiz_submit(attempt=attempt, answers=answers, actor=staff)
    assert attempt.score == 67  # 2 of 3
    assert attempt.passed is True
    a.refresh_from_db()
    assert a.status == TrainingAssignment.Status.COMPLETED
    assert a.best_score == 67
    assert a.completed_at is not None


def test_fail_then_attempt_limit(quiz_course, staff):
    a = _assignment(quiz_course, staff)
    services.assignment_mark_read(assignment=a, actor=staff)
    for n in (1, 2):
        attempt = services.quiz_start(assignment=a, actor=staff)
        assert attempt.number == n
        attempt = services.quiz_submit(
            attempt=attempt, answers=answers_for(attempt, right={"Q1"}), actor=staff
        )
        assert attempt.score == 33
        assert attempt.passed is False
    a.refresh_from_db()
    assert a.status == TrainingAssignment.Status.FAILED
    assert a.attempts_used == 2
    with pytest.raises(ApplicationError) as exc:
        services.quiz_start(assignment=a, actor=staff)
    assert "2" in str(exc.value.message)


def test_open_attempt_is_reused_and_counts(quiz_course, staff):
    a = _assignment(quiz_course, staff)
    services.assignment_mark_read(assignment=a, actor=staff)
    first = services.quiz_start(assignment=a, actor=staff)
    again = services.quiz_start(assignment=a, actor=staff)
    assert again.pk == first.pk
    a.refresh_from_db()
    assert a.attempts_used == 1


def test_submitting_twice_is_refused(quiz_course, staff):
    a = _assignment(quiz_course, staff)
    services.assignment_mark_read(assignment=a, actor=staff)
    attempt = services.quiz_start(assignment=a, actor=staff)
    services.quiz_submit(attempt=attempt, answers=answers_for(attempt, right=set()), actor=staff)
    with pytest.raises(ApplicationError):
        services.quiz_submit(attempt=attempt, answers={}, actor=staff)


def test_random_draw_takes_the_configured_number(quiz_course, staff, officer):
    quiz_course.questions_per_attempt = 2
    quiz_course.save()
    a = _assignment(quiz_course, staff)
    services.assignment_mark_read(assignment=a, actor=staff)
    attempt = services.quiz_start(assignment=a, actor=staff, rng=random.Random(7))
    drawn = list(attempt.answers.values_list("question__text", flat=True))
    assert len(drawn) == 2
    assert len(set(drawn)) == 2


def test_someone_else_cannot_answer(quiz_course, staff, handler):
    a = _assignment(quiz_course, staff)
    with pytest.raises(ApplicationError):
        services.assignment_mark_read(assignment=a, actor=handler)


def test_single_choice_with_two_answers_is_refused(quiz_course, staff):
    a = _assignment(quiz_course, staff)
    services.assignment_mark_read(assignment=a, actor=staff)
    attempt = services.quiz_start(assignment=a, actor=staff)
    q1 = attempt.answers.get(question__text="Q1").question
    with pytest.raises(ApplicationError):
        services.quiz_submit(
            attempt=attempt,
            answers={q1.pk: list(q1.choices.values_list("pk", flat=True))},
            actor=staff,
        )


def test_question_validation(quiz_course, officer):
    with pytest.raises(ApplicationError):
        services.question_add(
            course=quiz_course, text="x", choices=[("a", True), ("b", True)], actor=officer
        )
    with pytest.raises(ApplicationError):
        services.question_add(
            course=quiz_course, text="x", choices=[("a", False), ("b", False)], actor=officer
        )


def test_quiz_pages(quiz_course, staff, client_for):
    a = _assignment(quiz_course, staff)
    client = client_for(staff)
    material = quiz_course.materials.get()  # the page's button names the material read
    read = client.post(f"/training/assignments/{a.pk}/read/", {"material": material.pk})
    assert read.status_code == 302
    response = client.post(f"/training/assignments/{a.pk}/quiz/")
    assert response.status_code == 302
    attempt = a.attempts.get()
    page = client.get(response.url)
    assert "Q1" in page.content.decode()
    data = {f"q{k}": v for k, v in answers_for(attempt, right={"Q1", "Q2", "Q3"}).items()}
    client.post(response.url, data)
    a.refresh_from_db()
    assert a.status == TrainingAssignment.Status.COMPLETED
    assert a.best_score == 100


def test_material_html_is_sanitised(quiz_course, officer):
    m = services.material_add(
        course=quiz_course,
        kind="text",
        title="x",
        body='<p onclick="x()">hi</p><script>alert(1)</script><a href="javascript:x">l</a>',
        actor=officer,
    )
    assert "script" not in m.body
    assert "onclick" not in m.body
    assert "javascript" not in m.body
    assert "<p>hi</p>" in m.body
