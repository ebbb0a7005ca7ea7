"""Project catalogues win over every library's (issue 18 point 7): django-celery-beat's
catalogue says "分钟" for "Minutes", "任务名" for "Name" and "描述" for "Description"."""

import datetime

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
