"""Project catalogues win over every library's (issue 18 point 7): django-celery-beat's
catalogue says "分钟" for "Minutes", "任务名" for "Name" and "描述" for "Description"."""

import datetime
import re

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from governance import services as governance_services
from training import services as training_services

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("msgid", "project"),
    [("Minutes", "会议纪要"), ("Name", "名称"), ("Description", "说明"), ("year", "年度")],
)
def test_the_projects_translation_is_the_one_used(msgid, project):
    with translation.override("zh-hans"):
        assert gettext(msgid) == project


def test_meeting_page_says_meeting_minutes(client_for, officer, handler):
    meeting = governance_services.meeting_create(
        kind="quarterly_security",
        title="第一季度数据安全工作会议",
        scheduled_at=timezone.now() + datetime.timedelta(days=3),
        organiser=officer,
        attendees=[officer, handler],
        agenda="1. 数据质量",
        location="3F",
        actor=officer,
    )
    client = client_for(officer)
    detail = client.get(f"/governance/meetings/{meeting.pk}/").content.decode()
    assert "会议纪要" in detail and "分钟" not in detail
    listing = client.get("/governance/meetings/").content.decode()
    assert "会议纪要" in listing and "分钟" not in listing


def test_plan_tables_say_name(client_for, officer):
    year = timezone.localdate().year
    plan = training_services.plan_create(year=year, title=f"{year}年度培训计划", actor=officer)
    body = client_for(officer).get(f"/training/plans/{plan.pk}/").content.decode()
    assert "<th>名称</th>" in body or ">名称</th>" in body
    assert "任务名" not in body


def test_a_word_with_two_meanings_reads_right_on_each_page(client_for, officer):
    """Django merges every catalogue into one: a msgid two apps translate differently needs a
    context. The sharing log's date range is not an audit change's old and new value, and the
    reporting rules' time unit is not the meeting's minutes."""
    from reporting.models import OffsetUnit

    body = client_for(officer).get("/governance/sharing-log/").content.decode()
    assert re.search(r'for="id_date_from" class="form-label">\s*自\s*</label>', body)
    assert re.search(r'for="id_date_to" class="form-label">\s*至\s*</label>', body)
    assert "原值" not in body and "新值" not in body
    with translation.override("zh-hans"):
        assert str(OffsetUnit.MINUTES.label) == "分钟"


def test_training_plans_incident_sources_and_webhook_events_read_in_their_own_words(
    client_for, officer
):
    """A training plan is a 培训计划, not an emergency 预案; an incident's and an alert's source
    is where it came from (来源), not a rule's legal basis (依据); a webhook subscribes to events
    (事件), not to a count of them; a report's pending approval is 待审批, not an outbox's 待发送."""
    from incidents.services import incident_create
    from integrations.models import WebhookSubscription
    from reporting.models import ReportApproval
    from training.models import Course

    client = client_for(officer)
    plans = client.get("/training/plans/").content.decode()
    assert "新建计划" in plans and "新建预案" not in plans
    incident = incident_create(
        title="测试事件",
        category="data_security",
        source="internal",
        discovered_at=timezone.now(),
        actor=officer,
        assignee=officer,
    )
    page = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert re.search(r">\s*来源\s*</dt>", page) and not re.search(r">\s*依据\s*</dt>", page)
    with translation.override("zh-hans"):
        assert str(Course._meta.get_field("plan").verbose_name) == "培训计划"
        events = WebhookSubscription._meta.get_field("events").verbose_name
        assert str(events) == "事件"
        assert str(ReportApproval.Decision.PENDING.label) == "待审批"
