"""Governance records: who the firm shares regulatory data with, under which agreement, who holds (agreements)."""

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

from ..validators import validate_credit_code
from .common import (
    AGREEMENT_DOCUMENT_KINDS,
    EXPIRING_WITHIN_DAYS,
    DataLevel,
    SharingArea,
    SharingTier,
    _is_firm_handler,
    today_local,
)


class Counterparty(TimeStampedModel):
    """Anyone the firm shares regulatory data with (a data contact in the standard's sense)."""

    class Kind(models.TextChoices):
        OPERATING = "operating", _("Operating institution")
        SERVICE = "service", _("Service institution")
        CORE = "core", _("Core institution (exchange, clearing house)")
        REGULATOR = "regulator", _("Regulatory institution")
        INTERNAL = "internal", _("Internal department")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
        help_text=_("18 characters (GB 32100-2015); not needed for an internal department."),
    )
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="counterparties",
        verbose_name=_("department"),
        help_text=_("For an internal department: which one."),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("counterparty")
        verbose_name_plural = _("counterparties")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~Q(credit_code=""),
                name="governance_counterparty_credit_code_unique",
                violation_error_code="duplicate_credit_code",
                violation_error_message=_(
                    "A counterparty with this unified social credit code is already registered."
                ),
            )
        ]

    def __str__(self):
        return self.name

    @classmethod
    def visibility_q(cls, user) -> Q:
        # Handlers link partner incidents to counterparties; other staff see the ones whose
        # agreements they own.
        if _is_firm_handler(user):
            return Q()
        return Q(pk__in=CooperationAgreement.objects.filter(owner=user).values("counterparty"))

    def sees(self, user) -> bool:
        """`visibility_q` for this one counterparty (accounts.policy.can_see)."""
        return _is_firm_handler(user) or self.agreements.filter(owner=user).exists()


class CounterpartyContact(TimeStampedModel):
    counterparty = models.ForeignKey(
        Counterparty,
        on_delete=models.CASCADE,
        related_name="contacts",
        verbose_name=_("counterparty"),
    )
    name = models.CharField(_("name"), max_length=60)
    # A person's title is their position (职务), not a document's title (标题).
    title = models.CharField(pgettext_lazy("person", "title"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_security_contact = models.BooleanField(
        _("security contact"),
        default=False,
        help_text=_("Reached when an incident touches data shared with this counterparty."),
    )

    class Meta:
        verbose_name = _("counterparty contact")
        verbose_name_plural = _("counterparty contacts")
        ordering = ["counterparty", "name"]

    def __str__(self):
        return f"{self.name} ({self.counterparty})"


class AgreementQuerySet(VisibleQuerySet):
    def in_force(self, on: datetime.date | None = None):
        """Approved, not terminated, and the date inside the term: sharing may happen."""
        on = on or today_local()
        return self.filter(
            approval_state=CooperationAgreement.Approval.APPROVED,
            terminated_on__isnull=True,
            starts_on__lte=on,
            ends_on__gte=on,
        )

    def covering(self, *, level: int, tier: str, on: datetime.date | None = None):
        return self.in_force(on).filter(
            max_data_level__gte=level, max_sharing_tier__in=_tiers_covering(tier)
        )

    def with_status(self, on: datetime.date | None = None):
        """Annotate `status_code` computed in SQL (same rule as the `status` property)."""
        on = on or today_local()
        A, S = CooperationAgreement.Approval, CooperationAgreement.Status
        return self.annotate(
            status_code=models.Case(
                models.When(terminated_on__isnull=False, then=models.Value(S.TERMINATED)),
                models.When(approval_state=A.DRAFT, then=models.Value(S.DRAFT)),
                models.When(approval_state=A.REJECTED, then=models.Value(S.DRAFT)),
                models.When(approval_state=A.SUBMITTED, then=models.Value(S.UNDER_REVIEW)),
                models.When(ends_on__lt=on, then=models.Value(S.EXPIRED)),
                models.When(starts_on__gt=on, then=models.Value(S.SCHEDULED)),
                models.When(
                    ends_on__lte=on + datetime.timedelta(days=EXPIRING_WITHIN_DAYS),
                    then=models.Value(S.EXPIRING),
                ),
                default=models.Value(S.ACTIVE),
                output_field=models.CharField(),
            )
        )


def _tiers_covering(tier: str) -> list[str]:
    """Agreement tiers that cover a request of `tier` (the same tier or a stricter one)."""
    values = [c.value for c in SharingTier]
    return values[SharingTier.rank(tier) :]


def agreement_document_path(instance, filename):
    return f"governance/agreements/{timezone.now():%Y/%m}/{filename}"


class CooperationAgreement(TimeStampedModel):
    """合作协议与合同: no sharing before one fixes scope, permissions, responsibilities and term."""

    class Scope(models.TextChoices):
        INTERNAL = "internal", _("Internal (inside the firm)")
        EXTERNAL = "external", _("External")

    class PartyRole(models.TextChoices):
        PROVIDER = "provider", _("Data provider")
        RECIPIENT = "recipient", _("Data recipient")
        PROCESSOR = "processor", _("Entrusted processor")

    class Approval(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Returned")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        UNDER_REVIEW = "under_review", _("Under review")
        SCHEDULED = "scheduled", _("Approved, not yet in force")
        ACTIVE = "active", _("Active")
        EXPIRING = "expiring", _("Expiring")
        EXPIRED = "expired", _("Expired")
        TERMINATED = "terminated", _("Terminated")

    reference = models.CharField(_("reference"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    counterparty = models.ForeignKey(
        Counterparty,
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=_("counterparty"),
    )
    scope = models.CharField(_("internal or external"), max_length=10, choices=Scope.choices)
    firm_role = models.CharField(_("the firm's role"), max_length=12, choices=PartyRole.choices)
    counterparty_role = models.CharField(
        _("the counterparty's role"), max_length=12, choices=PartyRole.choices
    )
    data_categories = models.TextField(_("data categories shared"))
    systems = models.TextField(_("systems involved"), blank=True)
    permissions = models.TextField(_("permissions granted"))
    firm_responsibilities = models.TextField(_("the firm's responsibilities"))
    counterparty_responsibilities = models.TextField(_("the counterparty's responsibilities"))
    starts_on = models.DateField(_("term starts on"))
    ends_on = models.DateField(_("term ends on"))
    max_data_level = models.PositiveSmallIntegerField(
        _("highest data level covered"), choices=DataLevel.choices
    )
    max_sharing_tier = models.CharField(
        _("strictest sharing tier covered"), max_length=12, choices=SharingTier.choices
    )
    area = models.CharField(
        _("sharing area"),
        max_length=12,
        choices=SharingArea.choices,
        default=SharingArea.CONTROLLED,
    )
    non_plaintext_only = models.BooleanField(
        _("non-plaintext sharing only"),
        default=False,
        help_text=_("Required for an uncontrolled area: data leaves only encrypted or masked."),
    )
    special_assessment = models.TextField(
        _("special security assessment"),
        blank=True,
        help_text=_("Required for an uncontrolled area: conclusion of the special assessment."),
    )
    special_assessment_on = models.DateField(_("special assessment date"), null=True, blank=True)
    security_requirements = models.TextField(_("security requirements"), blank=True)
    document = models.FileField(
        _("signed document"),
        upload_to=agreement_document_path,
        blank=True,
        validators=[UploadValidator(kinds=AGREEMENT_DOCUMENT_KINDS)],
    )
    document_sha256 = models.CharField(_("document SHA-256"), max_length=64, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendments",
        verbose_name=_("amends"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_agreements",
        verbose_name=_("owner"),
    )
    approval_state = models.CharField(
        _("approval"), max_length=10, choices=Approval.choices, default=Approval.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approved_agreements",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)
    termination_reason = models.TextField(_("termination reason"), blank=True)
    # The standard §5: a partner with an incident involving our data must remedy it; until the
    # remedy is verified an officer may suspend the agreement (no new sharing under it).
    suspended_at = models.DateTimeField(_("suspended at"), null=True, blank=True)
    suspended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("suspended by"),
    )
    suspension_reason = models.TextField(_("reason for suspension"), blank=True)
    resumed_at = models.DateTimeField(_("resumed at"), null=True, blank=True)
    resume_note = models.TextField(_("remedy verified (note)"), blank=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("cooperation agreement")
        verbose_name_plural = _("cooperation agreements")
        ordering = ["-starts_on", "reference"]
        indexes = [
            models.Index(fields=["approval_state", "ends_on"], name="gov_agreement_state_end"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="governance_agreement_term_order",
            ),
            models.CheckConstraint(
                condition=Q(max_data_level__gte=1, max_data_level__lte=4),
                name="governance_agreement_level_range",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    @property
    def status(self) -> str:
        return self.status_on(today_local())

    def status_on(self, on: datetime.date) -> str:
        S = self.Status
        if self.terminated_on:
            return S.TERMINATED
        if self.approval_state in (self.Approval.DRAFT, self.Approval.REJECTED):
            return S.DRAFT
        if self.approval_state == self.Approval.SUBMITTED:
            return S.UNDER_REVIEW
        if self.ends_on < on:
            return S.EXPIRED
        if self.starts_on > on:
            return S.SCHEDULED
        if self.ends_on <= on + datetime.timedelta(days=EXPIRING_WITHIN_DAYS):
            return S.EXPIRING
        return S.ACTIVE

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None

    def get_status_display(self) -> str:
        return str(self.Status(self.status).label)  # a str, as Django's own get_FOO_display

    def covers(self, *, level: int, tier: str) -> bool:
        return self.max_data_level >= level and SharingTier.rank(
            self.max_sharing_tier
        ) >= SharingTier.rank(tier)

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("governance:agreement-detail", args=[self.pk])

    @classmethod
    def visibility_q(cls, user) -> Q:
        if _is_firm_handler(user):
            return Q()
        return Q(owner=user)

    def sees(self, user) -> bool:
        """`visibility_q` for one loaded agreement (accounts.policy.can_see)."""
        return _is_firm_handler(user) or self.owner_id == user.pk
