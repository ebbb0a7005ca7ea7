"""Issue 18, point 4: officers create counterparties, agreements and meetings on the product's
own pages (reached by links, not typed URLs), go back where they started, and the second
officer is told when an agreement waits for approval."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from governance import services
from governance.models import CooperationAgreement, Counterparty, Meeting
from notifications.delivery import deliver_batch
from notifications.models import InboxItem, Outbox

from .conftest import HUAWEI

pytestmark = pytest.mark.django_db


def _links(html: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', html))


def _agreement_body(counterparty, **extra):
    today = datetime.date.today()
    return {
        "title": "数据共享协议",
        "counterparty": counterparty.pk,
        "scope": "external",
        "firm_role": "provider",
        "counterparty_role": "recipient",
        "starts_on": today.isoformat(),
        "ends_on": (today + datetime.timedelta(days=365)).isoformat(),
        "max_data_level": 2,
        "max_sharing_tier": "restricted",
        "area": "controlled",
        "data_categories": "客户联系方式",
        "permissions": "只读",
        "firm_responsibilities": "按约定提供数据",
        "counterparty_responsibilities": "安全使用",
        **extra,
    }


def test_the_lists_link_to_the_create_pages(client_for, officer):
    client = client_for(officer)
    links = _links(client.get(reverse("governance:agreement-list")).content.decode())
    assert reverse("governance:agreement-new") in links
    assert any(link.startswith(reverse("governance:counterparty-new")) for link in links)
    links = _links(client.get(reverse("governance:meeting-list")).content.decode())
    assert reverse("governance:meeting-new") in links


def test_officer_creates_a_counterparty_then_an_agreement_with_it(client_for, officer):
    client = client_for(officer)
    form = client.get(reverse("governance:agreement-new")).content.decode()
    new_cp = next(
        link.replace("&amp;", "&")
        for link in _links(form)
        if link.startswith(reverse("governance:counterparty-new"))
    )
    response = client.post(
        new_cp,
        {
            "kind": "service",
            "name": "华为技术有限公司",
            "credit_code": HUAWEI,
            "next": "/governance/agreements/new/",
        },
    )
    counterparty = Counterparty.objects.get(name="华为技术有限公司")
    # Back to the agreement form, the new counterparty chosen.
    assert response.status_code == 302
    assert response["Location"] == f"/governance/agreements/new/?counterparty={counterparty.pk}"
    page = client.get(response["Location"]).content.decode()
    assert f'<option value="{counterparty.pk}" selected>' in page

    document = SimpleUploadedFile("signed.pdf", b"%PDF-1.4\nsigned", content_type="application/pdf")
    response = client.post(
        reverse("governance:agreement-new"), _agreement_body(counterparty, document=document)
    )
    agreement = CooperationAgreement.objects.get(counterparty=counterparty)
    assert response.status_code == 302 and response["Location"] == agreement.get_absolute_url()
    assert agreement.owner == officer and agreement.document_sha256


def test_bad_input_is_explained_and_kept(client_for, officer, counterparty):
    client = client_for(officer)
    body = _agreement_body(counterparty, title="保留的标题")
    body["ends_on"] = (datetime.date.today() - datetime.timedelta(days=30)).isoformat()
    response = client.post(reverse("governance:agreement-new"), body)
    assert response.status_code == 200
    html = response.content.decode()
    assert "errorlist" in html and "保留的标题" in html
    assert not CooperationAgreement.objects.exists()
    response = client.post(
        reverse("governance:counterparty-new"), {"kind": "service", "name": "某机构"}
    )
    assert response.status_code == 200 and not Counterparty.objects.filter(name="某机构").exists()


def test_officer_plans_a_meeting(client_for, officer, handler):
    client = client_for(officer)
    when = timezone.localtime() + datetime.timedelta(days=10)
    response = client.post(
        reverse("governance:meeting-new"),
        {
            "kind": "quarterly_security",
            "title": "第四季度数据安全会议",
            "scheduled_at": when.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 60,
            "organiser": officer.pk,
            "attendees": [officer.pk, handler.pk],
            "agenda": "1. 数据质量",
        },
    )
    meeting = Meeting.objects.get(title="第四季度数据安全会议")
    assert response["Location"] == meeting.get_absolute_url()
    assert set(meeting.attendees.values_list("user_id", flat=True)) == {officer.pk, handler.pk}


@pytest.mark.parametrize("name", ["counterparty-new", "meeting-new"])
def test_staff_and_auditors_are_refused(client_for, staff, auditor, name):
    for user in (staff, auditor):
        assert client_for(user).get(reverse(f"governance:{name}")).status_code == 403


def test_the_admin_sends_the_officer_back_to_the_product_page(client_for, officer):
    client = client_for(officer)
    add = reverse("admin:governance_counterparty_add") + "?next=/governance/agreements/"
    response = client.post(
        add,
        {
            "kind": "service",
            "name": "华为技术有限公司",
            "credit_code": HUAWEI,
            "contacts-TOTAL_FORMS": 0,
            "contacts-INITIAL_FORMS": 0,
        },
    )
    assert Counterparty.objects.filter(name="华为技术有限公司").exists()
    assert response.status_code == 302 and response["Location"] == "/governance/agreements/"
    # Not to another site.
    response = client.post(
        reverse("admin:governance_counterparty_add") + "?next=https://evil.example/",
        {
            "kind": "service",
            "name": "另一家",
            "credit_code": "914403001017814402",
            "contacts-TOTAL_FORMS": 0,
            "contacts-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302 and "evil" not in response["Location"]


def test_the_second_officer_is_notified_of_an_agreement_created_on_the_page(
    client_for, officer, officer2, counterparty
):
    client = client_for(officer)
    document = SimpleUploadedFile("signed.pdf", b"%PDF-1.4\nsigned", content_type="application/pdf")
    client.post(
        reverse("governance:agreement-new"), _agreement_body(counterparty, document=document)
    )
    agreement = CooperationAgreement.objects.get()
    client.post(reverse("governance:agreement-submit", args=[agreement.pk]))
    agreement.refresh_from_db()
    assert agreement.approval_state == CooperationAgreement.Approval.SUBMITTED
    deliver_batch(list(Outbox.objects.values_list("id", flat=True)))
    told = InboxItem.objects.filter(user=officer2, url=agreement.get_absolute_url())
    assert told.exists()
    assert not InboxItem.objects.filter(user=officer, url=agreement.get_absolute_url()).exists()
    # The second officer reads it in the inbox and approves from the agreement's page.
    inbox = client_for(officer2).get(reverse("notifications:inbox")).content.decode()
    assert agreement.reference in inbox
    services.agreement_approve(agreement=agreement, actor=officer2)
