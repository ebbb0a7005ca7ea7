"""Issue 20 point 2: a campaign with acknowledgements and reach per department; the concern form
linked from the campaign page, which shows the concerns raised during it."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Department
from accounts.policy import PolicyDenied
from incidents import services as incident_services
from tests.conftest import make_user
from training import services
from training.campaign_views import campaign_reach
from training.models import CampaignReceipt

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(officer, department):
    today = timezone.localdate()
    return services.campaign_create(
        actor=officer,
        topic="识别钓鱼邮件",
        message="不要点击可疑链接，发现请报告。",
        channel="email",
        starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=10),
        audience_departments=[department],
    )


def test_campaign_reaches_its_departments_and_counts_acknowledgements(
    campaign, officer, handler, staff, department
):
    other = Department.objects.create(name="经纪业务部", code="brokerage")
    outsider_dept = make_user("far", department=other)
    with pytest.raises(PolicyDenied):
        services.campaign_launch(actor=staff, campaign=campaign)
    reached = services.campaign_launch(actor=officer, campaign=campaign)
    receivers = set(CampaignReceipt.objects.values_list("user__username", flat=True))
    assert outsider_dept.username not in receivers
    assert {"officer", "handler", "staff"} <= receivers and reached == len(receivers)
    services.campaign_acknowledge(actor=staff, campaign=campaign)
    services.campaign_acknowledge(actor=staff, campaign=campaign)  # once is enough
    with pytest.raises(PolicyDenied):
        services.campaign_acknowledge(actor=outsider_dept, campaign=campaign)
    reach = campaign_reach(campaign)
    assert reach == [
        {
            "department": department.name,
            "delivered": reached,
            "acknowledged": 1,
            "rate": round(100 / reached),
        }
    ]


def test_campaign_page_links_concern_form_and_shows_concerns_raised(
    campaign, officer, staff, handler, client
):
    services.campaign_launch(actor=officer, campaign=campaign)
    incident_services.concern_submit(reporter=staff, summary="可疑U盘", confidentiality="anonymous")
    client.force_login(staff)
    page = client.get(reverse("training:campaign", args=[campaign.pk])).content.decode()
    assert reverse("incidents:concern-new") in page
    assert "1 concern raised" in page and "可疑U盘" not in page  # staff see the count only
    client.post(reverse("training:campaign_acknowledge", args=[campaign.pk]))
    assert CampaignReceipt.objects.get(user=staff).acknowledged_at is not None
    client.force_login(handler)
    page = client.get(reverse("training:campaign", args=[campaign.pk])).content.decode()
    assert "可疑U盘" in page


def test_the_campaign_form_on_its_page(officer, client):
    """An incomplete form is shown again with its errors; a complete one opens the draft."""
    client.force_login(officer)
    url = reverse("training:campaigns")
    response = client.post(url, {"topic": "钓鱼"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["form"].errors["message"] == ["This field is required."]
    assert not list(response.context["messages"])
    today = timezone.localdate()
    response = client.post(
        url,
        {
            "topic": "钓鱼",
            "message": "不要点击可疑链接",
            "channel": "email",
            "starts_on": today.isoformat(),
            "ends_on": (today + dt.timedelta(days=7)).isoformat(),
            "audience_all": "on",
        },
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    said = [(m.level_tag, str(m.message)) for m in response.context["messages"]]
    assert said == [("success", "Campaign saved as a draft; launch it to reach its audience.")]
    assert response.context["campaign"].topic == "钓鱼"
