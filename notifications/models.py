import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.policy import VisibleQuerySet


class Channel(models.TextChoices):
    INAPP = "inapp", _("In-app inbox")
    EMAIL = "email", _("E-mail")
    WEBHOOK = "webhook", _("Group-robot webhook")


class WebhookEndpoint(models.Model):
    """A group robot (WeCom, DingTalk, or any endpoint taking a JSON POST). Steps with the
    "webhook" channel post to every active endpoint."""

    class Style(models.TextChoices):
        GENERIC = "generic", _("Generic JSON")
        WECOM = "wecom", _("WeCom group robot")
        DINGTALK = "dingtalk", _("DingTalk group robot")

    name = models.CharField(_("name"), max_length=100, unique=True)
    url = models.URLField(_("URL"), max_length=500)
    style = models.CharField(
        _("style"), max_length=10, choices=Style.choices, default=Style.GENERIC
    )
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        blank=True,
        help_text=_("When set, every request is signed with HMAC-SHA256 of this secret."),
    )

    class MessageFormat(models.TextChoices):
        TEXT = "text", _("Plain text")
        MARKDOWN = "markdown", _("Markdown")

    message_format = models.CharField(
        _("message type"),
        max_length=10,
        choices=MessageFormat.choices,
        default=MessageFormat.TEXT,
        help_text=_(
            "Group robots: plain text @-mentions the recipients by mobile number on WeCom and "
            "DingTalk; Markdown does so on DingTalk only (WeCom's Markdown cannot mention by "
            "mobile number)."
        ),
    )
    timeout_seconds = models.PositiveSmallIntegerField(_("timeout (seconds)"), default=5)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        from core import net

        refused = net.check_url(self.url) if self.url else None
        if refused:
            raise ValidationError({"url": refused})


class Outbox(models.Model):
    """One message to one recipient over one channel, under a unique key: the database is the
    queue of record; Celery messages only say "look at these rows now"."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, will retry")
        DEAD = "dead", _("Dead (gave up)")
        CANCELLED = "cancelled", _("Cancelled (its endpoint or subscription was disabled)")

    key = models.CharField(_("key"), max_length=255, unique=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient"),
    )
    # An e-mail to someone who is not a user (a partner's security contact): the address itself.
    address = models.EmailField(_("e-mail address"), blank=True)
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outbox",
        verbose_name=_("webhook endpoint"),
    )
    deadline = models.ForeignKey(
        "deadlines.Deadline",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outbox",
        verbose_name=_("deadline"),
    )
    step = models.ForeignKey(
        "deadlines.ReminderStep",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("step"),
    )
    occurrence = models.PositiveIntegerField(_("occurrence"), default=0)
    dedupe_key = models.CharField(_("dedupe key"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"), blank=True)
    # A reminder's words are true until its deadline is due ("due at 15:19"); delivered later,
    # the message says what is true then instead.
    valid_until = models.DateTimeField(
        _("words valid until"),
        null=True,
        blank=True,
        help_text=_("Delivered after this moment, the late subject and body are sent instead."),
    )
    late_subject = models.CharField(_("subject if late"), max_length=300, blank=True)
    late_body = models.TextField(_("body if late"), blank=True)
    # Group robots: the mobile numbers of the people the message is for, to @-mention them.
    mentions = models.CharField(_("mentioned mobile numbers"), max_length=500, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    scheduled_for = models.DateTimeField(_("scheduled for"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(
        _("next attempt at"),
        null=True,
        blank=True,
        help_text=_("Pending or failed: when the sweep hands the row to a worker again."),
    )
    lease_until = models.DateTimeField(
        _("lease until"),
        null=True,
        blank=True,
        help_text=_("Sending: when the sweep may assume the worker died."),
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox")
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"],
                name="outbox_retry_idx",
                condition=Q(state__in=["pending", "failed"]),
            ),
            models.Index(
                fields=["lease_until", "id"],
                name="outbox_lease_idx",
                condition=Q(state="sending"),
            ),
            models.Index(fields=["deadline", "channel"], name="outbox_deadline_idx"),
        ]

    def __str__(self):
        return (
            f"{self.get_channel_display()} → {self.recipient or self.address or self.endpoint}: "
            f"{self.subject}"
        )

    @property
    def message_id(self) -> str:
        """Stable across retries, so a receiving system can drop a duplicate."""
        import hashlib

        digest = hashlib.sha256(self.key.encode()).hexdigest()[:32]
        domain = getattr(settings, "NOTIFICATIONS_MESSAGE_ID_DOMAIN", "incident-response.local")
        return f"<{digest}@{domain}>"


class InboxQuerySet(VisibleQuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class InboxItem(models.Model):
    """The in-app channel's delivery: one row per outbox row at most (exactly once)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="inbox",
        verbose_name=_("user"),
    )
    outbox = models.OneToOneField(
        Outbox, on_delete=models.CASCADE, related_name="inbox_item", verbose_name=_("outbox")
    )
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = InboxQuerySet.as_manager()

    class Meta:
        verbose_name = _("inbox message")
        verbose_name_plural = _("inbox messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["user", "id"], name="inbox_unread_idx", condition=Q(read_at__isnull=True)
            ),
            models.Index(fields=["user", "-created_at"], name="inbox_user_idx"),
        ]

    def __str__(self):
        return self.subject

    @classmethod
    def visibility_q(cls, user) -> Q:
        return Q(user=user)


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A secret URL per user serving an ICS calendar of the user's open deadlines."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        verbose_name=_("user"),
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return str(self.user)
