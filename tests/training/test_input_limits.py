"""Course materials are checked by content (service and page) and free text has a length limit."""

import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from core.errors import ApplicationError
from training import services
from training.models import CourseMaterial, Question

pytestmark = pytest.mark.django_db

EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
REFUSED = "Programs and scripts cannot be uploaded|不能上传程序或脚本"
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_service_refuses_a_program_named_report_pdf(quiz_course, officer):
    before = CourseMaterial.objects.count()
    with pytest.raises(ApplicationError, match=REFUSED):
        services.material_add(
            course=quiz_course,
            kind="file",
            title="课件",
            file=ContentFile(EXE, "report.pdf"),
            actor=officer,
        )
    assert CourseMaterial.objects.count() == before


def test_page_refuses_a_disguised_program_and_accepts_a_real_pdf(quiz_course, officer, client_for):
    client = client_for(officer)
    url = f"/training/courses/{quiz_course.pk}/"
    before = CourseMaterial.objects.count()
    resp = client.post(
        url,
        {
            "form": "material",
            "kind": "file",
            "title": "课件",
            "file": SimpleUploadedFile("report.pdf", EXE),
        },
    )
    assert resp.status_code == 200
    assert re.search(REFUSED, resp.content.decode())
    assert CourseMaterial.objects.count() == before
    resp = client.post(
        url,
        {
            "form": "material",
            "kind": "file",
            "title": "课件",
            "file": SimpleUploadedFile("slides.pdf", PDF),
        },
    )
    assert resp.status_code == 302
    material = CourseMaterial.objects.get(kind="file")
    assert material.file.read() == PDF


def test_overlong_question_is_a_form_error(quiz_course, officer, client_for):
    before = Question.objects.count()
    resp = client_for(officer).post(
        f"/training/courses/{quiz_course.pk}/",
        {"form": "question", "text": "问" * 2001, "kind": "single", "answers": "*是\n否"},
    )
    assert resp.status_code == 200
    assert re.search("at most 2000 characters|不超过 2000 字符", resp.content.decode())
    resp = client_for(officer).post(
        f"/training/courses/{quiz_course.pk}/",
        {"form": "question", "text": "问", "kind": "single", "answers": "*" + "长" * 301 + "\n否"},
    )
    assert resp.status_code == 200
    assert re.search("at most 300 characters|最多 300 个字符", resp.content.decode())
    assert Question.objects.count() == before
