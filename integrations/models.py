"""Integrations: personal API tokens, monitoring alert intake (sources and the triage queue),
outbound webhook subscriptions and the record of period exports.

Secrets: an API token is stored only as its SHA-256 (shown once, never again). Alert-source and
webhook secrets must be kept readable: both sides compute the same HMAC with them.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.policy import VisibleQuerySet

TOKEN_PREFIX = "irt_"  # noqa: S105 - a public marker of our tokens, not a secret


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class ApiTokenQuerySet(VisibleQuerySet):
    def active(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A personal API token. The API sees its owner's data with its owner's rights, narrowed to
    reading when the scope is read-only."""

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and write")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(_("scope"), max_length=5, choices=Scope.choices, default=Scope.READ)
    prefix = models.CharField(
        _("prefix"), max_length=12, help_text=_("The first characters, to recognise a token.")
    )
    token_hash = models.CharField(_("SHA-256 of the token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"],
                condition=Q(revoked_at__isnull=True),
                name="integrations_token_name_per_user",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE

    @classmethod
    def visibility_q(cls, user) -> Q:
        return Q(user=user)


# --- Alert intake ---------------------------------------------------------------------------


RESERVED_SOURCE_SLUGS = {"queue"}  # /api/alerts/queue/ is the triage API


class AlertSource(models.Model):
    """A monitoring system allowed to post alerts to /api/alerts/<slug>/, signing each request
    with HMAC-SHA256 over "<timestamp>.<body>" with `secret`."""

    class Kind(models.TextChoices):
        SIEM = "siem", _("SIEM")
        DLP = "dlp", _("Data-loss prevention (DLP)")
        BRAND = "brand", _("Brand and leak monitoring")
        OTHER = "other", _("Other monitoring system")

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(
        _("slug"), max_length=40, unique=True, help_text=_("The <source> part of the intake URL.")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SIEM)
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        default=new_secret,
        help_text=_("Shared with the monitoring system; it signs every request with it."),
    )
    default_category = models.CharField(
        _("default incident category"),
        max_length=30,
        blank=True,
        help_text=_("Proposed when an alert is promoted to an incident."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("alert source")
        verbose_name_plural = _("alert sources")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.slug in RESERVED_SOURCE_SLUGS:
            raise ValidationError({"slug": _("This slug is reserved; choose another.")})


class AlertReceipt(models.Model):
    """Signatures accepted within the freshness window: the same signed request twice is a
    replay. Rows older than the window are pruned (a stale timestamp is refused anyway)."""

    source = models.ForeignKey(
        AlertSource, on_delete=models.CASCADE, related_name="+", verbose_name=_("source")
    )
    signature = models.CharField(_("signature"), max_length=64)
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("alert receipt")
        verbose_name_plural = _("alert receipts")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "signature"], name="integrations_receipt_once"
            )
        ]

    def __str__(self):
        return f"{self.source_id}:{self.signature[:12]}"


def sees_alerts(user) -> bool:
    """Incident handlers triage alerts; firm-wide roles see them (auditors read only)."""
    from accounts.policy import AUDITORS, HANDLERS, has_any

    return has_any(user, HANDLERS | AUDITORS)


class Alert(models.Model):
    """An alert in the triage queue, one per (source, the source's alert id)."""

    class Severity(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")
        CRITICAL = "critical", _("Critical")

    class State(models.TextChoices):
        NEW = "new", _("New")
        PROMOTED = "promoted", _("Promoted to an incident")
        MERGED = "merged", _("Merged into an incident")
        DISMISSED = "dismissed", _("Dismissed")

    source = models.ForeignKey(
        AlertSource, on_delete=models.PROTECT, related_name="alerts", verbose_name=_("source")
    )
    external_id = models.CharField(_("alert id at the source"), max_length=200)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM
    )
    category = models.CharField(_("suggested category"), max_length=30, blank=True)
    occurred_at = models.DateTimeField(_("occurred at"), null=True, blank=True)
    link = models.URLField(_("link at the source"), max_length=500, blank=True)
    payload = models.JSONField(_("payload as received"), default=dict)
    received_at = models.DateTimeField(_("first received at"), default=timezone.now)
    last_received_at = models.DateTimeField(_("last received at"), default=timezone.now)
    times_received = models.PositiveIntegerField(_("times received"), default=1)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.NEW, db_index=True
    )
    incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("incident"),
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    dismiss_reason = models.TextField(_("reason for dismissal"), blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("monitoring alert")
        verbose_name_plural = _("monitoring alerts")
        ordering = ["-last_received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="integrations_alert_once_per_source"
            )
        ]

    def __str__(self):
        return f"{self.source} #{self.external_id}: {self.title}"

    @classmethod
    def visibility_q(cls, user) -> Q:
        """Handlers triage every alert (an alert has no team until it becomes a case)."""
        return Q() if sees_alerts(user) else Q(pk__in=[])

    def sees(self, user) -> bool:
        """`visibility_q` for one alert already loaded (accounts.policy.can_see)."""
        return sees_alerts(user)


# --- Outbound webhooks ----------------------------------------------------------------------


class Event(models.TextChoices):
    INCIDENT_CREATED = "incident.created", _("Incident created")
    INCIDENT_GRADED = "incident.graded", _("Incident graded")
    INCIDENT_REGRADED = "incident.regraded", _("Incident regraded")
    REPORT_APPROVED = "report.approved", _("Report approved")
    REPORT_SUBMITTED = "report.submitted", _("Report submitted")
    DEADLINE_MISSED = "deadline.missed", _("Deadline missed")
    AGREEMENT_EXPIRING = "agreement.expiring", _("Agreement expiring")


class WebhookSubscription(models.Model):
    """An officer's subscription of a URL to events. Deliveries are rows of the notifications
    outbox on the subscription's own (inactive, so reminder steps never use it) webhook
    endpoint: retries, backoff, the signature header and the delivery log come from there."""

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    events = models.JSONField(pgettext_lazy("webhook", "events"), default=list)
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        default=new_secret,
        help_text=_("Every delivery carries X-Signature: sha256=HMAC(secret, timestamp.body)."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner"),
    )
    endpoint = models.OneToOneField(
        "notifications.WebhookEndpoint",
        on_delete=models.PROTECT,
        related_name="subscription",
        verbose_name=_("outbox endpoint"),
    )
    active = models.BooleanField(_("active"), default=True)
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)
    disabled_reason = models.TextField(_("why disabled"), blank=True)
    failures_counted_after = models.PositiveBigIntegerField(
        _("failures counted after outbox row"),
        default=0,
        help_text=_("Re-enabling forgets earlier failures: only later deliveries count."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    def get_events_display(self) -> str:
        labels = dict(Event.choices)
        return ", ".join(str(labels.get(e, e)) for e in self.events)


# --- Exports --------------------------------------------------------------------------------


class PeriodExport(models.Model):
    """Who exported which period, and the SHA-256 of the archive they took away."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    date_from = models.DateField(_("from"))
    date_to = models.DateField(_("to"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sha256 = models.CharField(_("SHA-256 of the archive"), max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    manifest = models.JSONField(_("manifest"), default=dict)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("period export")
        verbose_name_plural = _("period exports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.date_from}–{self.date_to} @ {self.created_at:%Y-%m-%d %H:%M}"
