"""Writes of the governance app. Keyword-only arguments, one transaction each, full validation; (meetings)."""

import datetime

import nh3
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from accounts import policy
from audit.context import acting_as
from core.errors import ApplicationError
from core.uploads import check_upload
from deadlines import services as deadline_services

from .. import obligations as obligation_rules
from ..models import (
    MEETING_ATTACHMENT_KINDS,
    ActionItem,
    Frequency,
    Meeting,
    MeetingAttachment,
    MeetingAttendee,
    MeetingDecision,
    MeetingSchedule,
    today_local,
)
from .common import (
    ACTION_ITEM_KIND,
    _full_clean,
    _sha256,
    local_datetime,
)

# What survives in minutes: formatting, lists, tables, links. Scripts, styles and event handlers go.
MINUTES_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "ul", "ol", "li", "h2", "h3", "h4",
    "blockquote", "table", "thead", "tbody", "tr", "th", "td", "a", "span", "div", "hr",
}  # fmt: skip


def sanitise_minutes(html: str) -> str:
    return nh3.clean(
        html or "",
        tags=MINUTES_TAGS,
        attributes={"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan"}},
        url_schemes={"http", "https", "mailto"},
    )


def _occurrence_day(schedule: MeetingSchedule, period_start: datetime.date) -> datetime.date:
    month_index = period_start.month - 1 + schedule.month_in_period - 1
    year = period_start.year + month_index // 12
    return datetime.date(year, month_index % 12 + 1, schedule.day_of_month)


def generation_horizon(today: datetime.date) -> datetime.date:
    """Occurrences exist for the current year; from 1 December, for the next year too, so
    invitations and plans for January are ready in time."""
    year = today.year + 1 if today.month == 12 else today.year
    return datetime.date(year, 12, 31)


def meeting_occurrences_generate(*, today: datetime.date | None = None) -> int:
    """Create the missing occurrences of every active schedule up to the horizon. Idempotent:
    one occurrence per schedule and period (a unique constraint holds the line)."""
    today = today or today_local()
    horizon = generation_horizon(today)
    created = 0
    schedules = MeetingSchedule.objects.filter(is_active=True).prefetch_related("default_attendees")
    for schedule in schedules:
        if schedule.frequency == Frequency.QUARTERLY and schedule.month_in_period > 3:
            continue  # invalid for a quarter; the admin form refuses it
        first = datetime.date(today.year, 1, 1)
        existing = set(
            Meeting.objects.filter(schedule=schedule).values_list("period_key", flat=True)
        )
        attendees = list(schedule.default_attendees.all())
        for start, _end, label in obligation_rules.periods_between(
            schedule.frequency, first, horizon
        ):
            if label in existing:
                continue
            day = _occurrence_day(schedule, start)
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        meeting = Meeting.objects.create(
                            schedule=schedule,
                            period_key=label,
                            kind=schedule.kind,
                            title=f"{schedule.title}（{label}）",
                            scheduled_at=timezone.make_aware(
                                datetime.datetime.combine(day, schedule.start_time)
                            ),
                            duration_minutes=schedule.duration_minutes,
                            location=schedule.location,
                            organiser=schedule.organiser,
                            agenda=schedule.agenda_template,
                        )
                except IntegrityError:
                    continue  # another run created it meanwhile
                MeetingAttendee.objects.bulk_create(
                    [MeetingAttendee(meeting=meeting, user=u) for u in attendees]
                )
                created += 1
    return created


def meeting_create(
    *,
    kind: str,
    title: str,
    scheduled_at: datetime.datetime,
    organiser,
    attendees=(),
    agenda: str = "",
    location: str = "",
    duration_minutes: int = 90,
    actor=None,
) -> Meeting:
    policy.require(actor, "governance.meeting.create")
    meeting = Meeting(
        kind=kind,
        title=title,
        scheduled_at=scheduled_at,
        organiser=organiser,
        agenda=agenda,
        location=location,
        duration_minutes=duration_minutes,
    )
    _full_clean(meeting)
    with transaction.atomic(), acting_as(actor):
        meeting.save()
        MeetingAttendee.objects.bulk_create(
            [MeetingAttendee(meeting=meeting, user=u) for u in set(attendees)]
        )
    return meeting


def _require_unlocked(meeting: Meeting):
    if meeting.minutes_locked:
        raise ApplicationError(_("The minutes of this meeting are approved and locked."))


def meeting_update(*, meeting: Meeting, actor=None, **fields) -> Meeting:
    policy.require(actor, "governance.meeting.change", meeting)
    _require_unlocked(meeting)
    allowed = {"title", "scheduled_at", "agenda", "location", "duration_minutes"}
    unknown = set(fields) - allowed
    if unknown:
        raise ApplicationError(_("These fields cannot be changed here: %s") % ", ".join(unknown))
    rescheduled = "scheduled_at" in fields and fields["scheduled_at"] != meeting.scheduled_at
    for key, value in fields.items():
        setattr(meeting, key, value)
    _full_clean(meeting)
    with transaction.atomic(), acting_as(actor):
        if rescheduled and meeting.invitations_sent_at:
            meeting.invitations_sent_at = None  # the old invitation is stale; send it again
        meeting.save()
    return meeting


def meeting_set_attendees(*, meeting: Meeting, users, actor=None) -> Meeting:
    policy.require(actor, "governance.meeting.change", meeting)
    _require_unlocked(meeting)
    wanted = {u.pk: u for u in users}
    with transaction.atomic(), acting_as(actor):
        meeting.attendees.exclude(user_id__in=wanted).delete()
        have = set(meeting.attendees.values_list("user_id", flat=True))
        MeetingAttendee.objects.bulk_create(
            [MeetingAttendee(meeting=meeting, user=u) for pk, u in wanted.items() if pk not in have]
        )
    return meeting


def meeting_ics(meeting: Meeting, *, method: str = "REQUEST") -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//incident-response//governance//CN")
    cal.add("version", "2.0")
    cal.add("method", method)
    event = Event()
    event.add(
        "uid", f"governance-meeting-{meeting.pk}@{settings.DEFAULT_FROM_EMAIL.split('@')[-1]}"
    )
    event.add("sequence", meeting.ics_sequence)
    event.add("summary", meeting.title)
    event.add("dtstart", meeting.scheduled_at)
    event.add("dtend", meeting.scheduled_at + datetime.timedelta(minutes=meeting.duration_minutes))
    event.add("dtstamp", timezone.now())
    if meeting.location:
        event.add("location", meeting.location)
    if meeting.agenda:
        event.add("description", meeting.agenda)
    organiser = vCalAddress(f"mailto:{meeting.organiser.email or settings.DEFAULT_FROM_EMAIL}")
    organiser.params["cn"] = vText(str(meeting.organiser))
    event["organizer"] = organiser
    for attendee in meeting.attendees.select_related("user"):
        if not attendee.user.email:
            continue
        address = vCalAddress(f"mailto:{attendee.user.email}")
        address.params["cn"] = vText(str(attendee.user))
        address.params["role"] = vText("REQ-PARTICIPANT")
        address.params["rsvp"] = vText("TRUE")
        event.add("attendee", address, encode=False)
    cal.add_component(event)
    return cal.to_ical()


def meeting_send_invitations(*, meeting: Meeting, actor=None) -> int:
    """E-mail every attendee an ICS invitation (a new sequence number each time, so calendars
    update the event instead of adding a second one)."""
    policy.require(actor, "governance.meeting.invite", meeting)
    if meeting.state != Meeting.State.PLANNED:
        raise ApplicationError(_("Invitations go out only for a planned meeting."))
    recipients = [a.user.email for a in meeting.attendees.select_related("user") if a.user.email]
    if not recipients:
        raise ApplicationError(_("No attendee has an e-mail address."))
    with transaction.atomic(), acting_as(actor):
        meeting.ics_sequence += 1
        meeting.invitations_sent_at = timezone.now()
        meeting.save(update_fields=["ics_sequence", "invitations_sent_at", "updated_at"])
        local = timezone.localtime(meeting.scheduled_at)
        body = _(
            "You are invited to %(title)s on %(when)s at %(where)s.\n\nAgenda:\n%(agenda)s"
        ) % {
            "title": meeting.title,
            "when": f"{local:%Y-%m-%d %H:%M}",
            "where": meeting.location or "-",
            "agenda": meeting.agenda or "-",
        }
        message = EmailMessage(
            subject=_("Invitation: %(title)s") % {"title": meeting.title},
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=recipients,
        )
        message.attach("invite.ics", meeting_ics(meeting), "text/calendar; method=REQUEST")
        ics = message
        transaction.on_commit(lambda: ics.send(fail_silently=False))
    return len(recipients)


def meeting_record_held(
    *, meeting: Meeting, present, held_at: datetime.datetime | None = None, actor=None
) -> Meeting:
    """Mark the meeting held and who was present; everyone else invited was absent."""
    policy.require(actor, "governance.meeting.change", meeting)
    _require_unlocked(meeting)
    if meeting.state == Meeting.State.CANCELLED:
        raise ApplicationError(_("A cancelled meeting cannot be recorded as held."))
    held_at = held_at or meeting.scheduled_at
    if held_at > timezone.now():
        raise ApplicationError(_("A meeting cannot be recorded as held in the future."))
    present_ids = {u.pk for u in present}
    if not present_ids:
        raise ApplicationError(_("Record who was present."))
    with transaction.atomic(), acting_as(actor):
        have = set(meeting.attendees.values_list("user_id", flat=True))
        MeetingAttendee.objects.bulk_create(
            [MeetingAttendee(meeting=meeting, user_id=pk) for pk in present_ids - have]
        )
        A = MeetingAttendee.Attendance
        meeting.attendees.filter(user_id__in=present_ids).update(attendance=A.PRESENT)
        meeting.attendees.exclude(user_id__in=present_ids).update(attendance=A.ABSENT)
        meeting.state = Meeting.State.HELD
        meeting.held_at = held_at
        meeting.save()
        _reevaluate_for_day(timezone.localdate(held_at))
    return meeting


def meeting_cancel(*, meeting: Meeting, actor=None) -> Meeting:
    policy.require(actor, "governance.meeting.change", meeting)
    if meeting.state != Meeting.State.PLANNED:
        raise ApplicationError(_("Only a planned meeting can be cancelled."))
    with transaction.atomic(), acting_as(actor):
        meeting.state = Meeting.State.CANCELLED
        meeting.save()
    return meeting


def meeting_minutes_save(*, meeting: Meeting, minutes: str, actor=None) -> Meeting:
    policy.require(actor, "governance.meeting.minutes", meeting)
    _require_unlocked(meeting)
    with transaction.atomic(), acting_as(actor):
        meeting.minutes = sanitise_minutes(minutes)
        meeting.save()
    return meeting


def meeting_decision_add(*, meeting: Meeting, text: str, actor=None) -> MeetingDecision:
    policy.require(actor, "governance.meeting.minutes", meeting)
    _require_unlocked(meeting)
    if not text.strip():
        raise ApplicationError(_("A decision needs its text."))
    with transaction.atomic(), acting_as(actor):
        position = meeting.decisions.count() + 1
        return MeetingDecision.objects.create(meeting=meeting, text=text.strip(), position=position)


def meeting_attachment_add(*, meeting: Meeting, file, actor) -> MeetingAttachment:
    policy.require(actor, "governance.meeting.minutes", meeting)
    _require_unlocked(meeting)
    check_upload(file, kinds=MEETING_ATTACHMENT_KINDS)
    with transaction.atomic(), acting_as(actor):
        attachment = MeetingAttachment(
            meeting=meeting, name=file.name, sha256=_sha256(file), uploaded_by=actor
        )
        attachment.file.save(file.name, file, save=False)
        attachment.save()
    return attachment


def meeting_minutes_approve(*, meeting: Meeting, actor) -> Meeting:
    """A compliance officer approves the minutes; from then on they and the record are locked."""
    policy.require(actor, "governance.meeting.minutes_approve", meeting)
    _require_unlocked(meeting)
    if meeting.state != Meeting.State.HELD:
        raise ApplicationError(_("Only the minutes of a held meeting can be approved."))
    if not nh3.clean(meeting.minutes, tags=set()).strip():
        raise ApplicationError(_("Write the minutes before approving them."))
    with transaction.atomic(), acting_as(actor):
        meeting.minutes_approved_by = actor
        meeting.minutes_approved_at = timezone.now()
        meeting.save()
    return meeting


def action_item_add(
    *, meeting: Meeting, title: str, owner, due_on: datetime.date, actor=None
) -> ActionItem:
    """An action item with its deadline on the engine (reminders to the owner, then their
    manager once overdue)."""
    policy.require(actor, "governance.meeting.action_item_add", meeting)
    _require_unlocked(meeting)
    if due_on < today_local():
        raise ApplicationError(_("An action item cannot be due in the past."))
    item = ActionItem(meeting=meeting, title=title.strip(), owner=owner, due_on=due_on)
    _full_clean(item)
    with transaction.atomic(), acting_as(actor):
        item.save()
        deadline_services.deadline_create(
            subject=item,
            kind=ACTION_ITEM_KIND,
            due_at=local_datetime(due_on, 18),
            owner=owner,
            title=_("Action from %(meeting)s: %(title)s")
            % {"meeting": meeting.title, "title": item.title},
            url=meeting.get_absolute_url(),
            actor=actor,
        )
    return item


def action_item_complete(*, item: ActionItem, actor=None) -> ActionItem:
    policy.require(actor, "governance.action_item.complete", item)
    if item.done_at:
        raise ApplicationError(_("This action item is already done."))
    from deadlines.models import Deadline

    with transaction.atomic(), acting_as(actor):
        item.done_at = timezone.now()
        item.save()
        for d in deadline_services.deadlines_for(item, kind=ACTION_ITEM_KIND).filter(
            state__in=Deadline.ACTIVE_STATES
        ):
            deadline_services.deadline_meet(deadline=d, actor=actor)
    return item


# Names defined further down the package, used only inside functions.
from .obligations import _reevaluate_for_day  # noqa: E402
