from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.policy import VisibleQuerySet
from core.models import TimeStampedModel

from .offsets import parse_interval, parse_offset

CHANNEL_CHOICES = [
    ("inapp", _("In-app inbox")),
    ("email", _("E-mail")),
    ("webhook", _("Group-robot webhook")),
]
CHANNELS = {code for code, _label in CHANNEL_CHOICES}
RECIPIENT_HELP = _(
    'List of recipients, e.g. ["owner", "owner_manager", "owner_deputy", "role:incident_lead", '
    '"group:compliance_officer", "user:wang"].'
)


class ReminderPolicy(TimeStampedModel):
    """A list of steps (reminders and escalations) at offsets from a deadline's due time."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("reminder policy")
        verbose_name_plural = _("reminder policies")
        ordering = ["name"]

    def __str__(self):
        return self.name


def validate_recipients(value):
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ValidationError(_("Recipients must be a list of texts."))
    for item in value:
        if item in ("owner", "owner_manager", "owner_deputy"):
            continue
        prefix, _sep, rest = item.partition(":")
        if prefix not in ("role", "group", "user") or not rest:
            raise ValidationError(
                _("Unknown recipient %(value)s."), params={"value": item}, code="recipient"
            )


def validate_channels(value):
    if not isinstance(value, list) or not value or not set(value) <= CHANNELS:
        raise ValidationError(
            _("Channels must be a non-empty list drawn from: %(choices)s."),
            params={"choices": ", ".join(sorted(CHANNELS))},
        )


class ReminderStep(models.Model):
    policy = models.ForeignKey(
        ReminderPolicy, on_delete=models.CASCADE, related_name="steps", verbose_name=_("policy")
    )
    offset = models.CharField(
        _("offset"),
        max_length=12,
        help_text=_('From the due time: "-7d", "-1d", "-2h", "-30m", "0", "+1h".'),
    )
    offset_seconds = models.IntegerField(_("offset in seconds"), editable=False, default=0)
    repeat_every = models.CharField(
        _("repeat every"),
        max_length=12,
        blank=True,
        help_text=_('Repeat after this step until the deadline is met, e.g. "1d". Empty: once.'),
    )
    repeat_seconds = models.PositiveIntegerField(
        _("repeat interval in seconds"), null=True, blank=True, editable=False
    )
    recipients = models.JSONField(
        _("recipients"), default=list, validators=[validate_recipients], help_text=RECIPIENT_HELP
    )
    channels = models.JSONField(
        _("channels"),
        default=list,
        validators=[validate_channels],
        help_text=_('E.g. ["inapp", "email"]; also "webhook".'),
    )

    class Meta:
        verbose_name = _("reminder step")
        verbose_name_plural = _("reminder steps")
        ordering = ["policy", "offset_seconds", "id"]

    def __str__(self):
        from .wording import step

        return step(self.offset_seconds, self.repeat_seconds)

    def save(self, *args, **kwargs):
        self.offset_seconds = parse_offset(self.offset)
        self.repeat_seconds = parse_interval(self.repeat_every)
        super().save(*args, **kwargs)

    def clean(self):
        try:
            self.offset_seconds = parse_offset(self.offset)
        except ValueError:
            raise ValidationError({"offset": _("Write an offset like -7d, -2h, -30m, 0 or +1h.")})
        try:
            self.repeat_seconds = parse_interval(self.repeat_every)
        except ValueError:
            raise ValidationError(
                {"repeat_every": _("Write a positive interval like 1d or 12h, or leave empty.")}
            )


class DeadlineKind(TimeStampedModel):
    code = models.CharField(_("code"), max_length=80, unique=True)
    label = models.CharField(_("label"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    policy = models.ForeignKey(
        ReminderPolicy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="kinds",
        verbose_name=_("reminder policy"),
    )

    class Meta:
        verbose_name = _("deadline kind")
        verbose_name_plural = _("deadline kinds")
        ordering = ["code"]

    def __str__(self):
        return self.label or self.code


class HolidayOverride(TimeStampedModel):
    """A day the mainland calendar treats differently from what the library knows (or a year it
    does not know yet): a public holiday, or a make-up working day (调休) on a weekend."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(
        _("working day"),
        default=False,
        help_text=_("Ticked: a make-up working day. Unticked: a public holiday."),
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    source = models.CharField(
        _("source"),
        max_length=300,
        blank=True,
        help_text=_("E.g. the State Council notice that announced the holiday arrangement."),
    )

    class Meta:
        verbose_name = _("holiday override")
        verbose_name_plural = _("holiday overrides")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}"


class CalendarYear(TimeStampedModel):
    """A year's published holiday schedule (the State Council's notice), as entered by an
    officer. Until the schedule is marked complete, every date of a year the calendar library
    does not know stays "unconfirmed", whatever overrides exist for it."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    schedule_complete = models.BooleanField(
        _("schedule complete"),
        default=False,
        help_text=_("Ticked by an officer once every holiday and make-up day is entered."),
    )
    notice_reference = models.CharField(
        _("State Council notice"),
        max_length=300,
        blank=True,
        help_text=_("E.g. 国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕…号）."),
    )
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked complete by"),
    )
    completed_at = models.DateTimeField(_("marked complete at"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(schedule_complete=False) | ~Q(notice_reference=""),
                name="deadlines_complete_year_cites_notice",
            )
        ]

    def __str__(self):
        return str(self.year)


class DeadlineQuerySet(VisibleQuerySet):
    def active(self):
        return self.filter(state__in=Deadline.ACTIVE_STATES)


class Deadline(TimeStampedModel):
    class State(models.TextChoices):
        OPEN = "open", _("Open")
        MET = "met", _("Met")
        MISSED = "missed", _("Missed")
        CANCELLED = "cancelled", _("Cancelled")
        WAIVED = "waived", _("Waived")

    # Open and missed deadlines still remind and escalate; the others are closed.
    ACTIVE_STATES = (State.OPEN, State.MISSED)

    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name=_("subject type")
    )
    object_id = models.PositiveBigIntegerField(_("subject id"))
    subject = GenericForeignKey("content_type", "object_id")
    kind = models.ForeignKey(
        DeadlineKind, on_delete=models.PROTECT, related_name="deadlines", verbose_name=_("kind")
    )
    title = models.CharField(_("title"), max_length=300)
    url = models.CharField(_("link"), max_length=500, blank=True)
    due_at = models.DateTimeField(_("due at"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deadlines",
        verbose_name=_("owner"),
    )
    owner_role = models.CharField(
        _("owner role"),
        max_length=80,
        blank=True,
        help_text=_("A contact role resolved when a step fires, if no user owns the deadline."),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.OPEN, db_index=True
    )
    state_reason = models.CharField(_("reason"), max_length=500, blank=True)
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    missed_at = models.DateTimeField(
        _("missed at"), null=True, blank=True, help_text=_("When it passed its due time unmet.")
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    calendar_confirmed = models.BooleanField(
        _("calendar confirmed"),
        default=True,
        help_text=_("Unticked: the working-day calendar for the period was a Monday–Friday guess."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    # Sweeper bookkeeping: every step occurrence at or before `fired_until` has been handled;
    # `next_fire_at` is the next one (NULL: nothing left). `revision` grows on every move so
    # the steps of the new due time are sent even if the old ones were.
    revision = models.PositiveIntegerField(_("revision"), default=0)
    fired_until = models.DateTimeField(_("steps handled until"), null=True, blank=True)
    next_fire_at = models.DateTimeField(_("next step at"), null=True, blank=True)

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="deadline_subject_idx"),
            models.Index(
                fields=["next_fire_at", "id"],
                name="deadline_next_fire_idx",
                condition=Q(state__in=["open", "missed"], next_fire_at__isnull=False),
            ),
            models.Index(
                fields=["due_at", "id"], name="deadline_open_due_idx", condition=Q(state="open")
            ),
            models.Index(fields=["owner", "state", "due_at"], name="deadline_owner_idx"),
        ]

    def __str__(self):
        return self.title

    @classmethod
    def visibility_q(cls, user) -> Q:
        return Q(owner=user)

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE_STATES

    @property
    def was_late(self) -> bool:
        return self.missed_at is not None
