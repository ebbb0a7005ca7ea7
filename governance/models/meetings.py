"""Governance records: who the firm shares regulatory data with, under which agreement, who holds (meetings)."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.policy import VisibleQuerySet
from core.models import TimeStampedModel
from core.uploads import UploadValidator

from .common import MEETING_ATTACHMENT_KINDS


class MeetingKind(models.TextChoices):
    QUARTERLY_SECURITY = "quarterly_security", _("Quarterly data-security meeting")
    ANNUAL_REVIEW = "annual_review", _("Annual data-sharing process review")
    OTHER = "other", _("Other governance meeting")


class Frequency(models.TextChoices):
    QUARTERLY = "quarterly", _("Quarterly")
    ANNUAL = "annual", _("Annual")


class MeetingSchedule(TimeStampedModel):
    """A recurring meeting; the beat job creates its occurrences ahead of time."""

    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    title = models.CharField(_("title"), max_length=200)
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    month_in_period = models.PositiveSmallIntegerField(
        _("month within the period"),
        default=3,
        help_text=_("1–3 for a quarterly meeting, 1–12 for an annual one."),
    )
    day_of_month = models.PositiveSmallIntegerField(_("day of the month"), default=15)
    start_time = models.TimeField(_("start time"), default=datetime.time(14, 30))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=90)
    location = models.CharField(_("location"), max_length=200, blank=True)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="organised_meeting_schedules",
        verbose_name=_("organiser"),
    )
    default_attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("default attendees"),
    )
    agenda_template = models.TextField(_("agenda template"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting schedule")
        verbose_name_plural = _("meeting schedules")
        ordering = ["kind", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(day_of_month__gte=1, day_of_month__lte=28),
                name="governance_schedule_day_range",
            ),
            models.CheckConstraint(
                condition=Q(month_in_period__gte=1, month_in_period__lte=12),
                name="governance_schedule_month_range",
            ),
        ]

    def __str__(self):
        return self.title

    @classmethod
    def visibility_q(cls, user) -> Q:
        return Q(organiser=user)


class Meeting(TimeStampedModel):
    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    schedule = models.ForeignKey(
        MeetingSchedule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("schedule"),
    )
    period_key = models.CharField(
        _("period"), max_length=10, blank=True, help_text=_("e.g. 2026-Q1 or 2026")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    title = models.CharField(_("title"), max_length=200)
    scheduled_at = models.DateTimeField(_("scheduled at"), db_index=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=90)
    location = models.CharField(_("location"), max_length=200, blank=True)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="organised_meetings",
        verbose_name=_("organiser"),
    )
    agenda = models.TextField(_("agenda"), blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PLANNED
    )
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)
    minutes = models.TextField(_("minutes"), blank=True, help_text=_("Sanitised HTML."))
    minutes_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("minutes approved by"),
    )
    minutes_approved_at = models.DateTimeField(_("minutes approved at"), null=True, blank=True)
    invitations_sent_at = models.DateTimeField(_("invitations sent at"), null=True, blank=True)
    ics_sequence = models.PositiveIntegerField(_("invitation sequence"), default=0)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-scheduled_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "period_key"],
                condition=Q(schedule__isnull=False),
                name="governance_meeting_one_per_period",
            )
        ]
        indexes = [models.Index(fields=["kind", "state", "held_at"], name="gov_meeting_kind_held")]

    def __str__(self):
        return f"{self.title} ({timezone.localtime(self.scheduled_at):%Y-%m-%d})"

    @property
    def minutes_locked(self) -> bool:
        return self.minutes_approved_at is not None

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("governance:meeting-detail", args=[self.pk])

    @classmethod
    def visibility_q(cls, user) -> Q:
        # A subquery, not a join: a join over attendees would repeat rows.
        return Q(organiser=user) | Q(
            pk__in=MeetingAttendee.objects.filter(user=user).values("meeting_id")
        )


class MeetingAttendee(models.Model):
    class Attendance(models.TextChoices):
        INVITED = "invited", _("Invited")
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendees", verbose_name=_("meeting")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="meeting_attendances",
        verbose_name=_("attendee"),
    )
    attendance = models.CharField(
        _("attendance"), max_length=10, choices=Attendance.choices, default=Attendance.INVITED
    )

    class Meta:
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="governance_attendee_once")
        ]

    def __str__(self):
        return f"{self.user} – {self.get_attendance_display()}"


class MeetingDecision(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("meeting")
    )
    text = models.TextField(_("decision"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["meeting", "position", "id"]

    def __str__(self):
        return self.text[:60]


class ActionItem(TimeStampedModel):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="action_items", verbose_name=_("meeting")
    )
    title = models.CharField(pgettext_lazy("meeting", "action"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="governance_action_items",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_on", "id"]

    def __str__(self):
        return self.title

    @classmethod
    def visibility_q(cls, user) -> Q:
        return Q(owner=user) | Q(meeting__organiser=user)


def meeting_attachment_path(instance, filename):
    return f"governance/meetings/{timezone.now():%Y/%m}/{filename}"


class MeetingAttachment(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("meeting")
    )
    file = models.FileField(
        _("file"),
        upload_to=meeting_attachment_path,
        validators=[UploadValidator(kinds=MEETING_ATTACHMENT_KINDS)],
    )
    name = models.CharField(_("name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at"]

    def __str__(self):
        return self.name


class AdoptedChange(TimeStampedModel):
    """A plan or process change the annual data-sharing process review adopted (O3; the
    standard's §4 and 三(五)): it becomes next year's process standard. Changes to emergency
    plans are linked from the plan's change (incidents.PlanChange.adopted_meeting)."""

    class Kind(models.TextChoices):
        PLAN = "plan", _("Emergency plan change")
        PROCESS = "process", _("Data-sharing process change")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="adopted_changes", verbose_name=_("meeting")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    description = models.TextField(_("adopted change"))
    applies_from_year = models.PositiveSmallIntegerField(_("standard from year"))
    source_label = models.CharField(_("where it came from"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("adopted change")
        verbose_name_plural = _("adopted changes")
        ordering = ["meeting", "kind", "id"]

    def __str__(self):
        return self.description[:60]

    @classmethod
    def visibility_q(cls, user) -> Q:
        return Q(meeting__in=Meeting.objects.filter(Meeting.visibility_q(user)))
