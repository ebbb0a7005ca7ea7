import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from training import pdf, services
from training.models import TrainingAssignment

from .conftest import answers_for

pytestmark = pytest.mark.django_db


def _complete(course, user):
    a = TrainingAssignment.objects.get(course=course, user=user)
    services.assignment_mark_read(assignment=a, actor=user)
    attempt = services.quiz_start(assignment=a, actor=user)
    services.quiz_submit(
        attempt=attempt, answers=answers_for(attempt, right={"Q1", "Q2", "Q3"}), actor=user
    )
    a.refresh_from_db()
    return a


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "".join(page.extract_text() for page in reader.pages).replace(" ", "")


def test_certificate_contains_name_course_and_date(quiz_course, staff):
    a = _complete(quiz_course, staff)
    text = _text(pdf.certificate_pdf(assignment=a))
    assert "张员工" in text
    assert "数据安全基础" in text
    assert timezone.localtime(a.completed_at).strftime("%Y-%m-%d") in text
    assert a.certificate_number in text


def test_certificate_page_only_once_completed(quiz_course, staff, client_for):
    a = TrainingAssignment.objects.get(course=quiz_course, user=staff)
    client = client_for(staff)
    assert client.get(f"/training/assignments/{a.pk}/certificate.pdf").status_code == 404
    _complete(quiz_course, staff)
    response = client.get(f"/training/assignments/{a.pk}/certificate.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "张员工" in _text(response.content)


def test_someone_elses_certificate_is_hidden(quiz_course, staff, handler2, client_for):
    a = _complete(quiz_course, staff)
    response = client_for(handler2).get(f"/training/assignments/{a.pk}/certificate.pdf")
    assert response.status_code == 404
