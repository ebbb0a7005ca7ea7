"""What a trainee sees: a certificate link only on a completed course, the course's completion
condition stated and enforced (reading alone does not complete a course with a quiz), and the
quiz result page leading to the certificate once passed."""

import datetime as dt
import re

import pytest

from training import services
from training.models import Topic, TrainingAssignment

from .conftest import answers_for

pytestmark = pytest.mark.django_db


def _certificate_links(html: str) -> list[str]:
    return re.findall(r'href="(/training/assignments/\d+/certificate\.pdf)"', html)


@pytest.fixture
def reading_course(approved_plan, officer, staff, year):
    """A second course for `staff`, not completed yet (one material, no quiz)."""
    course = services.course_create(
        plan=approved_plan,
        title="岗位职责",
        topics=[Topic.ROLE_DUTIES],
        due_date=dt.date(year, 12, 31),
        audience_users=[staff],
        actor=officer,
    )
    services.material_add(course=course, kind="text", title="清单", body="<p>x</p>", actor=officer)
    services.material_add(course=course, kind="text", title="要求", body="<p>y</p>", actor=officer)
    services.course_publish(course=course, actor=officer, enqueue=False)
    services.assignments_generate(course=course)
    return course


def _complete(course, user):
    a = TrainingAssignment.objects.get(course=course, user=user)
    services.assignment_mark_read(assignment=a, actor=user)
    attempt = services.quiz_start(assignment=a, actor=user)
    services.quiz_submit(
        attempt=attempt, answers=answers_for(attempt, right={"Q1", "Q2", "Q3"}), actor=user
    )
    return attempt


def test_my_trainings_links_a_certificate_only_for_completed_courses(
    quiz_course, reading_course, staff, client_for
):
    _complete(quiz_course, staff)
    done = TrainingAssignment.objects.get(course=quiz_course, user=staff)
    open_one = TrainingAssignment.objects.get(course=reading_course, user=staff)
    client = client_for(staff)
    html = client.get("/training/").content.decode()
    links = _certificate_links(html)
    assert links == [f"/training/assignments/{done.pk}/certificate.pdf"]
    assert f"/training/assignments/{open_one.pk}/certificate.pdf" not in html
    for link in links:  # every link shown opens a certificate (no 404 behind a link)
        assert client.get(link).status_code == 200


def test_reading_the_materials_does_not_complete_a_course_with_a_quiz(
    quiz_course, staff, client_for
):
    a = TrainingAssignment.objects.get(course=quiz_course, user=staff)
    client = client_for(staff)
    material = quiz_course.materials.get()
    client.post(f"/training/assignments/{a.pk}/read/", {"material": material.pk})
    a.refresh_from_db()
    assert a.status == TrainingAssignment.Status.IN_PROGRESS
    html = client.get(f"/training/assignments/{a.pk}/").content.decode()
    # The page states what completes the course, and what is still missing.
    assert "完成条件" in html
    assert "阅读全部材料" in html
    assert "通过测验（60分及以上）" in html
    assert not _certificate_links(html)


def test_one_click_reads_one_material_only(reading_course, staff, client_for):
    a = TrainingAssignment.objects.get(course=reading_course, user=staff)
    first = reading_course.materials.order_by("position", "id").first()
    client_for(staff).post(f"/training/assignments/{a.pk}/read/", {"material": first.pk})
    a.refresh_from_db()
    assert a.status == TrainingAssignment.Status.IN_PROGRESS
    assert a.completed_at is None


def test_mark_read_without_naming_a_material_reads_nothing(reading_course, staff, client_for):
    """The page always names the material; a bare POST is refused instead of reading all."""
    a = TrainingAssignment.objects.get(course=reading_course, user=staff)
    client_for(staff).post(f"/training/assignments/{a.pk}/read/", {}, follow=True)
    a.refresh_from_db()
    assert a.status != TrainingAssignment.Status.COMPLETED
    assert not a.reads.exists()


def test_passed_quiz_result_links_the_certificate(quiz_course, staff, client_for):
    attempt = _complete(quiz_course, staff)
    a = TrainingAssignment.objects.get(course=quiz_course, user=staff)
    client = client_for(staff)
    html = client.get(f"/training/assignments/{a.pk}/quiz/{attempt.pk}/").content.decode()
    assert _certificate_links(html) == [f"/training/assignments/{a.pk}/certificate.pdf"]
    assert client.get(_certificate_links(html)[0]).status_code == 200


def test_failed_quiz_result_has_no_certificate_link(quiz_course, staff, client_for):
    a = TrainingAssignment.objects.get(course=quiz_course, user=staff)
    services.assignment_mark_read(assignment=a, actor=staff)
    attempt = services.quiz_start(assignment=a, actor=staff)
    services.quiz_submit(attempt=attempt, answers=answers_for(attempt, right=set()), actor=staff)
    html = client_for(staff).get(f"/training/assignments/{a.pk}/quiz/{attempt.pk}/")
    assert not _certificate_links(html.content.decode())
