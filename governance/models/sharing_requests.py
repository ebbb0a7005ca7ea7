"""The pre-share gate (数据共享申请): a request names the agreement, the catalogue items (hence
level and tier), area, method and channel, volume, purpose, cross-border transfer and the duties
after sharing. An officer-edited approval matrix decides who must approve and which assessment is
required; bulk thresholds per level decide what counts as a one-off bulk transfer (§1 技术 d)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.policy import VisibleQuerySet
from core.models import TimeStampedModel

from .agreements import CooperationAgreement, Counterparty
from .catalogue import CatalogueItem
from .common import DataLevel, SharingArea, SharingTier


class Marker(models.TextChoices):
    """How sure the firm is of a rule's basis: [C] confirmed against the text, [Q] quoted through
    a secondary copy, [S] the firm's own setting."""

    CONFIRMED = "C", _("[C] confirmed in the text")
    QUOTED = "Q", _("[Q] quoted through a secondary source")
    SETTING = "S", _("[S] the firm's own setting")


class Approver(models.TextChoices):
    DATA_AUTHORITY = "data_authority", _("Data-authority department")
    DATA_CONTROLLER = "data_controller", _("Data controller")
    COMPLIANCE = "compliance", _("Compliance")


class SharingMethod(models.TextChoices):
    API = "api", _("Interface (API)")
    FILE = "file", _("File transfer")
    MEDIUM = "medium", _("Sharing medium")


class BulkThreshold(TimeStampedModel):
    """From how many records a single share of data at this level is a one-off bulk transfer."""

    data_level = models.PositiveSmallIntegerField(
        _("data level"), choices=DataLevel.choices, unique=True
    )
    records = models.PositiveBigIntegerField(_("bulk from (records)"))
    source = models.CharField(_("source"), max_length=300)
    marker = models.CharField(_("marker"), max_length=1, choices=Marker.choices)

    class Meta:
        verbose_name = _("bulk threshold")
        verbose_name_plural = _("bulk thresholds")
        ordering = ["data_level"]

    def __str__(self):
        return f"L{self.data_level} ≥ {self.records}"

    @classmethod
    def visibility_q(cls, user) -> Q:
        return Q()  # the thresholds are the firm's published rules


class ApprovalRule(TimeStampedModel):
    """One row of the approval matrix. Empty conditions match anything; the first matching row
    in `order` decides. A refusing row refuses the request with its own name."""

    class Volume(models.TextChoices):
        ANY = "any", _("Any volume")
        REGULAR = "regular", _("Below the bulk threshold")
        BULK = "bulk", _("Bulk (at or above the threshold)")

    code = models.SlugField(_("rule code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveIntegerField(_("order"), default=100)
    data_level = models.PositiveSmallIntegerField(
        _("data level"), choices=DataLevel.choices, null=True, blank=True
    )
    sharing_tier = models.CharField(
        _("sharing tier"), max_length=12, choices=SharingTier.choices, blank=True
    )
    area = models.CharField(
        _("sharing area"), max_length=12, choices=SharingArea.choices, blank=True
    )
    volume = models.CharField(_("volume"), max_length=8, choices=Volume.choices, default=Volume.ANY)
    refuse = models.BooleanField(
        _("refuse"), default=False, help_text=_("A matching request is refused by this rule.")
    )
    approvers = models.JSONField(
        _("approvers"),
        default=list,
        blank=True,
        help_text=_("Who must approve, in order: data_authority, data_controller, compliance."),
    )
    security_assessment = models.BooleanField(
        _("security assessment required"),
        default=False,
        help_text=_(
            "§1 c2: purpose, scope and compliance of the data, method, duties after sharing."
        ),
    )
    source = models.CharField(_("source"), max_length=300)
    marker = models.CharField(_("marker"), max_length=1, choices=Marker.choices)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("approval matrix rule")
        verbose_name_plural = _("approval matrix")
        ordering = ["order", "code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    @classmethod
    def visibility_q(cls, user) -> Q:
        return Q()  # the matrix is the firm's published rule: who approves what

    @property
    def approver_labels(self) -> list[str]:
        return [str(Approver(a).label) for a in self.approvers if a in Approver.values]


class SharingRequestQuerySet(VisibleQuerySet):
    pass


class SharingRequest(TimeStampedModel):
    """A request to share catalogue data with a counterparty, and its way through the gate."""

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    reference = models.CharField(_("reference"), max_length=40, unique=True)
    agreement = models.ForeignKey(
        CooperationAgreement,
        on_delete=models.PROTECT,
        related_name="sharing_requests",
        verbose_name=_("agreement"),
    )
    counterparty = models.ForeignKey(
        Counterparty,
        on_delete=models.PROTECT,
        related_name="sharing_requests",
        verbose_name=_("counterparty"),
    )
    items = models.ManyToManyField(
        CatalogueItem, related_name="sharing_requests", verbose_name=_("data items"), blank=True
    )
    legacy_dataset = models.CharField(
        _("dataset (before the catalogue)"),
        max_length=200,
        blank=True,
        help_text=_("Carried over from a sharing registration made before the catalogue."),
    )
    data_level = models.PositiveSmallIntegerField(
        _("data level"), choices=DataLevel.choices, help_text=_("Derived from the items.")
    )
    sharing_tier = models.CharField(
        _("sharing tier"),
        max_length=12,
        choices=SharingTier.choices,
        help_text=_("Derived from the items."),
    )
    area = models.CharField(_("sharing area"), max_length=12, choices=SharingArea.choices)
    method = models.CharField(_("method"), max_length=8, choices=SharingMethod.choices)
    channel = models.CharField(
        _("channel"), max_length=200, help_text=_("Interface, transfer channel or medium used.")
    )
    record_count = models.PositiveBigIntegerField(_("approved number of records"))
    is_bulk = models.BooleanField(
        _("one-off bulk transfer"), default=False, help_text=_("Derived from the thresholds.")
    )
    encrypted = models.BooleanField(
        _("shared encrypted or masked"),
        default=True,
        help_text=_("No: the data leaves in plaintext."),
    )
    checksums = models.JSONField(
        _("declared checksums"),
        default=list,
        blank=True,
        help_text=_("SHA-256 of each file or medium image to be transferred."),
    )
    purpose = models.TextField(_("purpose"))
    cross_border = models.BooleanField(_("leaves the mainland"), default=False)
    cross_border_legal_basis = models.TextField(
        _("legal basis for the cross-border transfer"), blank=True
    )
    post_share_duties = models.TextField(_("duties after sharing"))
    valid_from = models.DateField(_("share from"))
    valid_until = models.DateField(_("share until"))
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    matched_rule = models.ForeignKey(
        ApprovalRule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("deciding matrix rule"),
    )
    required_approvers = models.JSONField(_("required approvers"), default=list, blank=True)
    assessment_required = models.BooleanField(_("security assessment required"), default=False)
    assessment_purpose = models.TextField(_("assessment: purpose is reasonable"), blank=True)
    assessment_scope = models.TextField(
        _("assessment: scope and compliance of the data"), blank=True
    )
    assessment_method = models.TextField(_("assessment: security of the method"), blank=True)
    assessment_duties = models.TextField(
        _("assessment: duties and constraints after sharing"), blank=True
    )
    assessment_conclusion = models.TextField(_("assessment conclusion"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assessed by"),
    )
    assessed_at = models.DateTimeField(_("assessed at"), null=True, blank=True)
    refused_rule = models.CharField(_("refusing rule"), max_length=60, blank=True)
    decision_comment = models.TextField(_("decision comment"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    used_records = models.PositiveBigIntegerField(
        _("records transferred"), default=0, help_text=_("Kept by the ledger.")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    legacy_registration = models.OneToOneField(
        "governance.SharingRegistration",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="request",
        verbose_name=_("migrated from registration"),
    )

    objects = SharingRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("sharing request")
        verbose_name_plural = _("sharing requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")),
                name="governance_sharing_request_term_order",
            ),
            models.CheckConstraint(
                condition=Q(cross_border=False) | ~Q(cross_border_legal_basis=""),
                name="governance_sharing_request_cross_border_basis",
            ),
        ]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("governance:sharing-request-detail", args=[self.pk])

    @property
    def approver_labels(self) -> list[str]:
        return [str(Approver(a).label) for a in self.required_approvers if a in Approver.values]

    @classmethod
    def visibility_q(cls, user) -> Q:
        """Officers, auditors and the data-authority department see every request; otherwise
        the requester, the agreement's owner and whoever must approve it as data controller."""
        from accounts.policy import AUDITORS, OFFICERS, has_any

        if has_any(user, OFFICERS | AUDITORS):
            return Q()
        department = getattr(user, "department", None)
        if department is not None and department.kind == "data_authority":
            return Q()
        return Q(requested_by=user) | Q(agreement__owner=user) | Q(approvals__decided_by=user)


class SharingApproval(models.Model):
    """One approver's decision on a request."""

    class Decision(models.TextChoices):
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    request = models.ForeignKey(
        SharingRequest,
        on_delete=models.CASCADE,
        related_name="approvals",
        verbose_name=_("sharing request"),
    )
    approver = models.CharField(_("as"), max_length=20, choices=Approver.choices)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"))
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("sharing approval")
        verbose_name_plural = _("sharing approvals")
        ordering = ["decided_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "approver"], name="governance_sharing_approval_once"
            )
        ]

    def __str__(self):
        return f"{self.request} {self.approver}: {self.decision}"
