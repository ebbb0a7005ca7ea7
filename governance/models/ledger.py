"""The ledger of real transfers (共享日志, §7 数据共享审计; 技术 c/g/h monitoring of interface calls).

The firm's exchange systems post signed transfer and interface-call events (the alert intake's
signing scheme: HMAC-SHA256 over "<timestamp>.<body>"). Each event is reconciled against an
approved sharing request and kept append-only (the model refuses changes; on PostgreSQL a trigger
does too) in a hash chain like the audit trail's: entry_hash = SHA-256 of the event's canonical
JSON including prev_hash, so an edited or removed event breaks the chain at that point."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.policy import VisibleQuerySet
from integrations.models import new_secret

from .agreements import Counterparty
from .sharing_requests import SharingMethod, SharingRequest


class ExchangeSystem(models.Model):
    """A system of the firm allowed to post ledger events to /api/governance/ledger/<slug>/."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        default=new_secret,
        help_text=_("Shared with the exchange system; it signs every request with it."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("exchange system")
        verbose_name_plural = _("exchange systems")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @classmethod
    def visibility_q(cls, user) -> Q:
        return Q(pk__in=[])  # officers (who see everything) keep the register; nobody else


class LedgerBatch(models.Model):
    """One signed intake request (one or many events); its signature is accepted once."""

    system = models.ForeignKey(
        ExchangeSystem, on_delete=models.PROTECT, related_name="batches", verbose_name=_("system")
    )
    signature = models.CharField(_("signature"), max_length=64, unique=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    event_count = models.PositiveIntegerField(_("events"), default=0)
    mismatch_count = models.PositiveIntegerField(_("mismatches"), default=0)

    class Meta:
        verbose_name = _("ledger intake batch")
        verbose_name_plural = _("ledger intake batches")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.system_id}:{self.signature[:12]}"


class Mismatch(models.TextChoices):
    UNREGISTERED = "unregistered", _("No approved sharing request")
    DATA_NOT_APPROVED = "data_not_approved", _("Data not in the approved request")
    OVER_COUNT = "over_count", _("Over the approved number of records")
    EXPIRED = "expired", _("Outside the approved period")
    SUSPENDED = "suspended", _("Agreement suspended or not in force")
    PLAINTEXT = "plaintext", _("Plaintext where it is forbidden")
    UNKNOWN_CHECKSUM = "unknown_checksum", _("Checksum not declared")


class LedgerQuerySet(VisibleQuerySet):
    def update(self, **kwargs):
        raise PermissionError("The ledger is append-only.")

    def delete(self):
        raise PermissionError("The ledger is append-only.")


class LedgerEvent(models.Model):
    """One transfer or interface call as the exchange system reported it, reconciled."""

    class Kind(models.TextChoices):
        TRANSFER = "transfer", _("Transfer")
        API_CALL = "api_call", _("Interface call")

    id = models.BigAutoField(primary_key=True)
    system = models.ForeignKey(
        ExchangeSystem, on_delete=models.PROTECT, related_name="+", verbose_name=_("system")
    )
    batch = models.ForeignKey(
        LedgerBatch, on_delete=models.PROTECT, related_name="events", verbose_name=_("batch")
    )
    external_id = models.CharField(_("event id at the system"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("occurred at"))
    received_at = models.DateTimeField(_("received at"))
    actor = models.CharField(_("who"), max_length=150)
    request = models.ForeignKey(
        SharingRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_events",
        verbose_name=_("sharing request"),
    )
    request_reference = models.CharField(_("request reference as sent"), max_length=40, blank=True)
    counterparty = models.ForeignKey(
        Counterparty,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("counterparty"),
    )
    item_codes = models.JSONField(_("data items"), default=list)
    record_count = models.PositiveBigIntegerField(_("records"))
    byte_count = models.PositiveBigIntegerField(_("bytes"))
    checksum = models.CharField(_("checksum (SHA-256)"), max_length=64, blank=True)
    channel = models.CharField(_("channel"), max_length=200)
    method = models.CharField(_("method"), max_length=8, choices=SharingMethod.choices)
    encrypted = models.BooleanField(_("encrypted"))
    mismatches = models.JSONField(_("mismatches"), default=list, blank=True)
    is_mismatch = models.BooleanField(_("mismatch"), default=False)
    alert = models.ForeignKey(
        "integrations.Alert",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("triage alert"),
    )
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    entry_hash = models.CharField(_("entry hash"), max_length=64)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger event")
        verbose_name_plural = _("ledger of transfers")
        ordering = ["-id"]
        default_permissions = ("add", "view")
        constraints = [
            models.UniqueConstraint(
                fields=["system", "external_id"], name="governance_ledger_event_once"
            )
        ]
        indexes = [
            models.Index(fields=["request", "-id"], name="gov_ledger_request_id"),
            models.Index(
                fields=["-id"], condition=Q(is_mismatch=True), name="gov_ledger_mismatch_id"
            ),
            models.Index(fields=["counterparty", "-id"], name="gov_ledger_counterparty_id"),
            models.Index(fields=["occurred_at"], name="gov_ledger_occurred"),
        ]

    def __str__(self):
        return f"{self.system_id}:{self.external_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise PermissionError("The ledger is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The ledger is append-only.")

    @property
    def mismatch_labels(self) -> list[str]:
        return [str(Mismatch(m).label) for m in self.mismatches if m in Mismatch.values]

    @classmethod
    def visibility_q(cls, user) -> Q:
        """Who sees a request sees its events; events without a request (unregistered) are
        seen by officers, auditors and the data-authority department only."""
        inner = SharingRequest.visibility_q(user)
        if inner == Q():
            return Q()
        return Q(request__in=SharingRequest.objects.filter(inner).values("pk"))


class LedgerUsageDaily(models.Model):
    """Usage per day, data item and request, summed at intake: the sharing evaluation's usage
    frequency per shared source reads this instead of a million events."""

    day = models.DateField(_("day"))
    item_code = models.CharField(_("item code"), max_length=40)
    request_reference = models.CharField(_("request"), max_length=40, blank=True)
    counterparty = models.ForeignKey(
        Counterparty,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("counterparty"),
    )
    events = models.PositiveBigIntegerField(_("events"), default=0)
    records = models.PositiveBigIntegerField(_("records"), default=0)
    bytes = models.PositiveBigIntegerField(_("bytes"), default=0)
    mismatches = models.PositiveBigIntegerField(_("mismatches"), default=0)

    class Meta:
        verbose_name = _("daily ledger usage")
        verbose_name_plural = _("daily ledger usage")
        ordering = ["-day", "item_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "item_code", "request_reference"],
                name="governance_ledger_usage_once",
            )
        ]

    def __str__(self):
        return f"{self.day} {self.item_code} {self.request_reference}"
