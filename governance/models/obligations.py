"""Governance records: who the firm shares regulatory data with, under which agreement, who holds (obligations)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.policy import VisibleQuerySet
from core.models import TimeStampedModel
from core.uploads import UploadValidator

from .common import EVIDENCE_FILE_KINDS
from .meetings import Frequency


class Obligation(TimeStampedModel):
    """A periodic duty of the standard, as data: how often, and which rule finds its evidence."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    evidence_rule = models.CharField(
        _("evidence rule"),
        max_length=60,
        blank=True,
        help_text=_("Code of the rule that finds evidence automatically; empty: by hand only."),
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    tracked_from = models.DateField(
        _("tracked from"), help_text=_("First period the dashboard shows.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.title}"


class ObligationPeriod(models.Model):
    class State(models.TextChoices):
        DUE = "due", _("Due")
        MET = "met", _("Met")
        MISSED = "missed", _("Missed")

    obligation = models.ForeignKey(
        Obligation, on_delete=models.CASCADE, related_name="periods", verbose_name=_("obligation")
    )
    label = models.CharField(_("period"), max_length=10)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DUE)
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    evidence_label = models.CharField(_("evidence"), max_length=200, blank=True)
    evidence_url = models.CharField(_("evidence link"), max_length=300, blank=True)
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)
    missed_notified_at = models.DateTimeField(_("missed notice sent at"), null=True, blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("obligation period")
        verbose_name_plural = _("obligation periods")
        ordering = ["obligation", "starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["obligation", "starts_on"], name="governance_period_once"
            )
        ]
        indexes = [models.Index(fields=["starts_on", "ends_on"], name="gov_period_dates")]

    def __str__(self):
        return f"{self.obligation.code} {self.label}"


def evidence_file_path(instance, filename):
    return f"governance/evidence/{timezone.now():%Y/%m}/{filename}"


class ObligationEvidence(models.Model):
    """Evidence an officer attaches by hand (until an app registers a rule for it)."""

    period = models.ForeignKey(
        ObligationPeriod,
        on_delete=models.CASCADE,
        related_name="manual_evidence",
        verbose_name=_("period"),
    )
    description = models.CharField(_("description"), max_length=200)
    evidence_on = models.DateField(_("date of the evidence"))
    url = models.CharField(_("link"), max_length=300, blank=True)
    file = models.FileField(
        _("file"),
        upload_to=evidence_file_path,
        blank=True,
        validators=[UploadValidator(kinds=EVIDENCE_FILE_KINDS)],
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("attached by"),
    )
    attached_at = models.DateTimeField(_("attached at"), default=timezone.now)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("obligation evidence")
        verbose_name_plural = _("obligation evidence")
        ordering = ["-attached_at"]

    def __str__(self):
        return self.description
