"""Regulators' notices (监管通报) and risk intelligence (风险情报)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.policy import VisibleQuerySet
from core.models import TimeStampedModel
from core.uploads import UploadValidator

from .common import NOTICE_KINDS, Recipient

# Accepted uploads (type by content): a regulator's notice or a submission receipt is a PDF, a
# Word document, a scan or screenshot; a notice may also come as a spreadsheet or text.


class RegulatorNotice(TimeStampedModel):
    """A risk notice (通报 / 风险提示) from the CSRC or a branch, with its own feedback deadline."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        HANDLING = "handling", _("Being handled")
        FEEDBACK_SENT = "feedback_sent", _("Feedback sent")
        CLOSED = "closed", _("Closed")

    reference = models.CharField(_("notice number"), max_length=100)
    issuer = models.CharField(
        _("issuer"),
        max_length=20,
        choices=[
            (Recipient.CSRC, Recipient.CSRC.label),
            (Recipient.CSRC_BRANCH, Recipient.CSRC_BRANCH.label),
        ],
        default=Recipient.CSRC_BRANCH,
    )
    title = models.CharField(_("title"), max_length=300)
    received_at = models.DateTimeField(_("received at"))
    content = models.TextField(_("content"), blank=True)
    feedback_due_at = models.DateTimeField(
        _("feedback due at"), help_text=_("Set by the notice itself.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="regulator_notices",
        verbose_name=_("handler"),
    )
    verification = models.TextField(_("verification and handling"), blank=True)
    incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="regulator_notices",
        verbose_name=_("incident"),
    )
    attachment = models.FileField(
        _("notice file"),
        upload_to="reporting/notices/%Y/",
        blank=True,
        validators=[UploadValidator(kinds=NOTICE_KINDS)],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("regulator notice")
        verbose_name_plural = _("regulator notices")
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.reference} {self.title}"

    @classmethod
    def visibility_q(cls, user):
        return Q(handler=user) | Q(created_by=user)

    def sees(self, user) -> bool:
        """`visibility_q` for this one notice (accounts.policy.can_see)."""
        return user.pk in (self.handler_id, self.created_by_id)


class RiskIntelligence(TimeStampedModel):
    """An item of risk intelligence (风险情报) found by monitoring or passed on by a notice."""

    class Kind(models.TextChoices):
        LEAK = "leak", _("Non-public data leaked online")
        DATA_FOR_SALE = "data_for_sale", _("Data offered for sale")
        IMPERSONATION = "impersonation", _("Impersonation of the firm")
        NEGATIVE_NEWS = "negative_news", _("Negative news")

    class Party(models.TextChoices):
        FIRM = "firm", _("The firm")
        RELATED_PARTY = "related_party", _("A related party")
        PARTNER = "partner", _("A partner")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        INCIDENT = "incident", _("Triaged to an incident")
        CLOSED = "closed", _("Closed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    party = models.CharField(
        pgettext_lazy("notice", "concerns"),
        max_length=20,
        choices=Party.choices,
        default=Party.FIRM,
    )
    party_name = models.CharField(_("party name"), max_length=200, blank=True)
    counterparty = models.ForeignKey(
        "governance.Counterparty",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="risk_intelligence",
        verbose_name=_("partner (registered counterparty)"),
        help_text=_(
            "A partner the firm shares data with: promoting the item opens a partner incident "
            "linked to its agreement. Name other parties in the party name."
        ),
    )
    summary = models.CharField(pgettext_lazy("notice", "summary"), max_length=300)
    details = models.TextField(_("details"), blank=True)
    source = models.CharField(_("where it was found"), max_length=300)
    source_url = models.URLField(_("link"), max_length=500, blank=True)
    observed_at = models.DateTimeField(_("observed at"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="risk_intelligence",
        verbose_name=_("incident"),
    )
    notice = models.ForeignKey(
        RegulatorNotice,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="intelligence",
        verbose_name=_("regulator notice"),
    )
    closed_reason = models.TextField(_("reason for closing"), blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("triaged by"),
    )
    triaged_at = models.DateTimeField(_("triaged at"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("reported by"),
    )

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("risk intelligence item")
        verbose_name_plural = _("risk intelligence items")
        ordering = ["-observed_at"]

    def __str__(self):
        return self.summary

    @classmethod
    def visibility_q(cls, user):
        return Q(reported_by=user) | Q(triaged_by=user) | Q(notice__handler=user)

    def sees(self, user) -> bool:
        """`visibility_q` for this one item (accounts.policy.can_see)."""
        return user.pk in (self.reported_by_id, self.triaged_by_id) or (
            self.notice is not None and self.notice.handler_id == user.pk
        )
