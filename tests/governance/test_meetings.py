import datetime

import pytest
import time_machine
from django.core import mail
from django.core.files.base import ContentFile
from django.utils import timezone
from icalendar import Calendar

from core.errors import ApplicationError
from deadlines.models import Deadline
from governance import services, tasks
from governance.models import Meeting, MeetingSchedule

pytestmark = pytest.mark.django_db


def at(y, m, d, h=1, mi=10):
    return timezone.make_aware(datetime.datetime(y, m, d, h, mi))


@pytest.fixture
def schedules(officer, handler):
    quarterly = MeetingSchedule.objects.create(
        kind="quarterly_security",
        title="数据安全工作会议",
        frequency="quarterly",
        month_in_period=3,
        day_of_month=15,
        organiser=officer,
    )
    quarterly.default_attendees.set([officer, handler])
    annual = MeetingSchedule.objects.create(
        kind="annual_review",
        title="流程标准执行会议",
        frequency="annual",
        month_in_period=11,
        day_of_month=20,
        organiser=officer,
    )
    return quarterly, annual


def keys(schedule):
    return sorted(Meeting.objects.filter(schedule=schedule).values_list("period_key", flat=True))


def test_beat_job_on_1_december_creates_next_years_occurrences(schedules):
    quarterly, annual = schedules
    with time_machine.travel(at(2026, 11, 30), tick=False):
        tasks.generate_meeting_occurrences()
    assert keys(quarterly) == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert keys(annual) == ["2026"]
    with time_machine.travel(at(2026, 12, 1), tick=False):
        tasks.generate_meeting_occurrences()
        tasks.generate_meeting_occurrences()  # idempotent
    assert keys(quarterly)[-4:] == ["2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4"]
    assert keys(annual) == ["2026", "2027"]
    q1 = Meeting.objects.get(schedule=quarterly, period_key="2027-Q1")
    assert timezone.localtime(q1.scheduled_at).date() == datetime.date(2027, 3, 15)
    assert set(q1.attendees.values_list("user__username", flat=True)) == {"officer", "handler"}


def test_pages_never_generate_occurrences(schedules, officer, client_for):
    client = client_for(officer)
    assert client.get("/governance/meetings/").status_code == 200
    assert client.get("/governance/").status_code == 200
    assert not Meeting.objects.exists()


@pytest.fixture
def meeting(officer, handler, staff):
    return services.meeting_create(
        kind="quarterly_security",
        title="Q1 会议",
        scheduled_at=timezone.now() + datetime.timedelta(days=3),
        organiser=officer,
        attendees=[officer, handler, staff],
        agenda="1. 数据质量",
        location="3F",
        actor=officer,
    )


def test_ics_invitation_emailed_to_attendees(meeting, officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert services.meeting_send_invitations(meeting=meeting, actor=officer) == 3
    (message,) = mail.outbox
    assert sorted(message.to) == ["handler@example.com", "officer@example.com", "staff@example.com"]
    name, content, mimetype = message.attachments[0]
    assert mimetype.startswith("text/calendar")
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert str(event["summary"]) == "Q1 会议"
    assert len(event["attendee"]) == 3


def test_minutes_sanitised_then_approved_and_locked(
    meeting, officer, officer2, handler, client_for
):
    with time_machine.travel(meeting.scheduled_at + datetime.timedelta(hours=2), tick=False):
        services.meeting_record_held(meeting=meeting, present=[officer, handler], actor=officer)
        services.meeting_minutes_save(
            meeting=meeting,
            minutes='<p onclick="x()">讨论<script>alert(1)</script><a href="javascript:evil()">l</a></p>',
            actor=officer,
        )
        assert "script" not in meeting.minutes and "onclick" not in meeting.minutes
        assert "javascript" not in meeting.minutes and "讨论" in meeting.minutes
        attendance = dict(meeting.attendees.values_list("user__username", "attendance"))
        assert attendance == {"officer": "present", "handler": "present", "staff": "absent"}
        services.meeting_decision_add(meeting=meeting, text="完善校验规则", actor=officer)
        services.meeting_attachment_add(
            meeting=meeting, file=ContentFile(b"%PDF-1.4\nx", name="slides.pdf"), actor=officer
        )
        with pytest.raises(ApplicationError, match="compliance officer"):
            services.meeting_minutes_approve(meeting=meeting, actor=handler)
        services.meeting_minutes_approve(meeting=meeting, actor=officer2)
        assert meeting.minutes_locked
        with pytest.raises(ApplicationError, match="locked"):
            services.meeting_minutes_save(meeting=meeting, minutes="<p>changed</p>", actor=officer)
        with pytest.raises(ApplicationError, match="locked"):
            services.meeting_decision_add(meeting=meeting, text="late", actor=officer)
        page = client_for(officer).get(f"/governance/meetings/{meeting.pk}/")
        assert page.status_code == 200 and "完善校验规则" in page.content.decode()


def test_action_item_owner_and_deadline_on_the_engine(meeting, officer, handler):
    due = timezone.localdate() + datetime.timedelta(days=14)
    item = services.action_item_add(
        meeting=meeting, title="更新流程", owner=handler, due_on=due, actor=officer
    )
    deadline = Deadline.objects.get(object_id=item.pk, kind__code="governance.meeting.action")
    assert deadline.owner == handler and timezone.localtime(deadline.due_at).date() == due
    services.action_item_complete(item=item, actor=handler)
    deadline.refresh_from_db()
    assert deadline.state == Deadline.State.MET
