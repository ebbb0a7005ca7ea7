"""The media register and the evaluation pages: what each person sees and can do, in Chinese."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from governance.models import MediumHandover, SharingEvaluation, SharingMedium
from governance.services import evaluation as evaluation_services
from governance.services import media as media_services

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _chinese(settings):
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.fixture
def medium(officer, handler):
    return media_services.medium_register(
        actor=officer,
        name="加密移动硬盘 A",
        kind="encrypted",
        custodian=handler,
        max_level=3,
        backup_note="机房备份",
    )


def test_an_officer_registers_a_medium_on_the_page(client_for, officer, handler):
    client = client_for(officer)
    page = client.get(reverse("governance:medium-list"))
    assert "登记介质" in page.content.decode()
    response = client.post(
        reverse("governance:medium-create"),
        {
            "name": "专线",
            "kind": "wired",
            "custodian": handler.pk,
            "ownership": "third_party",
            "owner_name": "某运营商",
            "area": "uncontrolled",
            "max_level": 2,
            "check_interval_days": 30,
            "backup_note": "备用线路",
        },
        follow=True,
    )
    # Refused whole with the reason, in Chinese: nothing registered.
    assert "必须归档与所有者的责任与义务约定" in response.content.decode()
    assert not SharingMedium.objects.exists()
    response = client.post(
        reverse("governance:medium-create"),
        {
            "name": "专线",
            "kind": "wired",
            "custodian": handler.pk,
            "ownership": "third_party",
            "owner_name": "某运营商",
            "area": "uncontrolled",
            "max_level": 2,
            "check_interval_days": 30,
            "backup_note": "备用线路",
            "liability_agreement": SimpleUploadedFile("约定.pdf", PDF, "application/pdf"),
        },
        follow=True,
    )
    medium = SharingMedium.objects.get()
    assert response.redirect_chain[-1][0] == medium.get_absolute_url()
    assert "介质已登记" in response.content.decode()


def test_handover_on_the_page_needs_the_receiver(client_for, medium, handler, handler2, staff):
    client = client_for(handler)
    client.post(
        reverse("governance:medium-handover", args=[medium.pk]),
        {"to_user": handler2.pk, "reason": "岗位调整"},
    )
    handover = MediumHandover.objects.get()
    page = client_for(handler2).get(medium.get_absolute_url()).content.decode()
    assert "确认移交" in page and "尚未确认" in page
    # Someone else cannot confirm for the receiver: the medium is not even visible to them.
    response = client_for(staff).post(
        reverse("governance:medium-handover-confirm", args=[medium.pk, handover.pk])
    )
    assert response.status_code == 404
    client_for(handler2).post(
        reverse("governance:medium-handover-confirm", args=[medium.pk, handover.pk])
    )
    medium.refresh_from_db()
    assert medium.custodian == handler2


def test_disposal_on_the_page(client_for, medium, officer, officer2):
    response = client_for(officer).post(
        reverse("governance:medium-dispose", args=[medium.pk]),
        {
            "method": "消磁并粉碎",
            "witness": officer2.pk,
            "disposed_on": datetime.date.today().isoformat(),
            "certificate": SimpleUploadedFile("报废证明.pdf", PDF, "application/pdf"),
        },
        follow=True,
    )
    page = response.content.decode()
    assert "报废已记录" in page and "SHA-256" in page
    medium.refresh_from_db()
    assert medium.is_disposed and medium.disposal_witness == officer2


def test_the_evaluation_page_shows_the_steps_and_the_team(client_for, officer, handler, staff):
    today = datetime.date.today()
    e = evaluation_services.evaluation_create(
        actor=officer,
        title="年度评估",
        period_start=today.replace(month=1, day=1),
        period_end=today.replace(month=12, day=31),
    )
    evaluation_services.evaluation_member_add(
        evaluation=e, actor=officer, user=handler, layer="execution"
    )
    page = client_for(handler).get(e.get_absolute_url()).content.decode()
    assert "评估团队" in page and "执行层" in page and "提交方案审批" in page
    assert client_for(staff).get(e.get_absolute_url()).status_code == 404
    # An incomplete plan is refused with what is missing.
    response = client_for(handler).post(
        reverse("governance:evaluation-plan-submit", args=[e.pk]), follow=True
    )
    assert "方案不完整" in response.content.decode()
    assert SharingEvaluation.objects.get().state == SharingEvaluation.State.PREPARING
