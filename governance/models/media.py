"""Governance records: the register of sharing media (数据共享介质, standard 三(四) 1 a1–a5 and
非可控区域 a): who keeps each medium, what it may carry, its periodic checks, requests to use it,
handovers confirmed by both parties, backup choice and disposal with a witness."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.policy import VisibleQuerySet
from core.models import TimeStampedModel
from core.uploads import UploadValidator

from .common import DataLevel, SharingArea, _is_firm_handler

# A liability agreement or a disposal certificate is a signed document: PDF, Word or a scan.
MEDIUM_DOCUMENT_KINDS = ("docx", "jpeg", "pdf", "png")


def medium_document_path(instance, filename):
    return f"governance/media/{timezone.now():%Y/%m}/{filename}"


class SharingMedium(TimeStampedModel):
    """One medium that carries shared data: a portable drive, an optical disc, a dedicated line.
    The custodian (专职保管人) changes only when a handover is confirmed by the receiver."""

    class Kind(models.TextChoices):
        PORTABLE_DRIVE = "portable", _("Portable drive (USB disk, removable hard disk)")
        ENCRYPTED_DRIVE = "encrypted", _("Encrypted portable drive")
        OPTICAL_DISC = "optical", _("Optical disc")
        WIRED = "wired", _("Wired line (dedicated line)")
        WIRELESS = "wireless", _("Wireless link")
        OTHER = "other", _("Other medium")

    class State(models.TextChoices):
        IN_STORE = "store", _("In store")
        IN_USE = "in_use", _("Lent out for use")
        DISPOSED = "disposed", _("Disposed")

    class Ownership(models.TextChoices):
        FIRM = "firm", _("Owned by the firm")
        THIRD_PARTY = "third_party", _("Third party's medium")

    reference = models.CharField(_("reference"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    serial_number = models.CharField(_("serial number"), max_length=80, blank=True)
    custodian = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="custody_media",
        verbose_name=_("custodian"),
    )
    ownership = models.CharField(
        _("ownership"), max_length=12, choices=Ownership.choices, default=Ownership.FIRM
    )
    owner_name = models.CharField(
        _("owner of the medium"),
        max_length=200,
        blank=True,
        help_text=_("Who owns a third party's medium (the party to the liability agreement)."),
    )
    area = models.CharField(
        _("area of use"), max_length=12, choices=SharingArea.choices, default=SharingArea.CONTROLLED
    )
    max_level = models.PositiveSmallIntegerField(
        _("highest data level it may carry"), choices=DataLevel.choices
    )
    items = models.ManyToManyField(
        "governance.CatalogueItem",
        blank=True,
        related_name="media",
        verbose_name=_("catalogue items it may carry"),
        help_text=_("Empty: any item up to the highest level."),
    )
    has_independent_security = models.BooleanField(
        _("independent security mechanism"),
        default=False,
        help_text=_("Hardware encryption, access control or similar of the medium itself."),
    )
    backup_medium = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="backs_up",
        verbose_name=_("backup medium"),
    )
    backup_note = models.CharField(
        _("backup arrangement"),
        max_length=200,
        blank=True,
        help_text=_("How the data carried is kept when there is no backup medium."),
    )
    check_interval_days = models.PositiveSmallIntegerField(
        _("security check every (days)"), default=90
    )
    next_check_due = models.DateField(_("next security check due"), null=True, blank=True)
    liability_agreement = models.FileField(
        _("owner's liability agreement"),
        upload_to=medium_document_path,
        blank=True,
        validators=[UploadValidator(kinds=MEDIUM_DOCUMENT_KINDS)],
    )
    liability_agreement_sha256 = models.CharField(
        _("liability agreement SHA-256"), max_length=64, blank=True
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.IN_STORE
    )
    notes = models.TextField(_("notes"), blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    # Disposal (报废): who did it, who witnessed it, and the certificate.
    disposed_at = models.DateTimeField(_("disposed at"), null=True, blank=True)
    disposal_method = models.CharField(_("disposal method"), max_length=200, blank=True)
    disposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("disposed by"),
    )
    disposal_witness = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("witness"),
    )
    disposal_certificate = models.FileField(
        _("disposal certificate"),
        upload_to=medium_document_path,
        blank=True,
        validators=[UploadValidator(kinds=MEDIUM_DOCUMENT_KINDS)],
    )
    disposal_certificate_sha256 = models.CharField(
        _("disposal certificate SHA-256"), max_length=64, blank=True
    )

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("sharing medium")
        verbose_name_plural = _("sharing media")
        ordering = ["reference"]

    def __str__(self):
        return f"{self.reference} {self.name}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("governance:medium-detail", args=[self.pk])

    @classmethod
    def visibility_q(cls, user) -> Q:
        """Handlers (who run the firm's sharing work) see the register; anyone else the media
        they keep, asked to use, or are a party of a handover of."""
        if _is_firm_handler(user):
            return Q()
        return (
            Q(custodian=user)
            | Q(pk__in=MediumUseRequest.objects.filter(requested_by=user).values("medium"))
            | Q(
                pk__in=MediumHandover.objects.filter(Q(from_user=user) | Q(to_user=user)).values(
                    "medium"
                )
            )
        )

    def sees(self, user) -> bool:
        return (
            _is_firm_handler(user)
            or self.custodian_id == user.pk
            or self.use_requests.filter(requested_by=user).exists()
            or self.handovers.filter(Q(from_user=user) | Q(to_user=user)).exists()
        )

    @property
    def needs_liability_agreement(self) -> bool:
        return self.area == SharingArea.UNCONTROLLED or self.ownership == self.Ownership.THIRD_PARTY

    @property
    def is_disposed(self) -> bool:
        return self.state == self.State.DISPOSED


class MediumCheck(models.Model):
    """One periodic security check of a medium and what it found."""

    class Result(models.TextChoices):
        PASSED = "passed", _("Passed")
        FINDINGS = "findings", _("Passed with findings")
        FAILED = "failed", _("Failed: take out of use")

    medium = models.ForeignKey(
        SharingMedium,
        on_delete=models.CASCADE,
        related_name="checks",
        verbose_name=_("sharing medium"),
    )
    checked_on = models.DateField(_("checked on"))
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    findings = models.TextField(_("findings"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("checked by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("medium security check")
        verbose_name_plural = _("medium security checks")
        ordering = ["-checked_on", "-id"]

    def __str__(self):
        return f"{self.medium.reference} {self.checked_on}"

    @classmethod
    def visibility_q(cls, user) -> Q:
        return Q(medium__in=SharingMedium.objects.filter(SharingMedium.visibility_q(user)))


class MediumUseRequest(TimeStampedModel):
    """A request to use a medium (使用申请): approved by an officer, handed out by the
    custodian, and returned to the custodian."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Awaiting approval")
        APPROVED = "approved", _("Approved: in use")
        REFUSED = "refused", _("Refused")
        RETURNED = "returned", _("Returned")

    medium = models.ForeignKey(
        SharingMedium,
        on_delete=models.PROTECT,
        related_name="use_requests",
        verbose_name=_("sharing medium"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="medium_use_requests",
        verbose_name=_("requested by"),
    )
    purpose = models.TextField(_("purpose"))
    items = models.ManyToManyField(
        "governance.CatalogueItem",
        related_name="medium_use_requests",
        verbose_name=_("data to carry"),
    )
    data_level = models.PositiveSmallIntegerField(
        _("highest level of the data to carry"),
        choices=DataLevel.choices,
        help_text=_("Derived from the catalogue items named."),
    )
    needed_from = models.DateField(_("needed from"))
    return_by = models.DateField(_("return by"))
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.REQUESTED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("decision comment"), blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("return received by"),
    )
    return_condition = models.CharField(_("condition on return"), max_length=200, blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("medium use request")
        verbose_name_plural = _("medium use requests")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.medium.reference} · {self.requested_by}"

    @classmethod
    def visibility_q(cls, user) -> Q:
        return Q(requested_by=user) | Q(medium__custodian=user)

    def sees(self, user) -> bool:
        return self.requested_by_id == user.pk or self.medium.custodian_id == user.pk


class MediumHandover(TimeStampedModel):
    """使用权转移: the right to use a medium passes from one person to another only when both have
    confirmed, the receiver last (standard 非可控区域 a 2)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting confirmation")
        COMPLETED = "completed", _("Completed")
        DECLINED = "declined", _("Declined by the receiver")
        CANCELLED = "cancelled", _("Cancelled")

    medium = models.ForeignKey(
        SharingMedium,
        on_delete=models.PROTECT,
        related_name="handovers",
        verbose_name=_("sharing medium"),
    )
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("handed over by"),
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="medium_handovers_received",
        verbose_name=_("received by"),
    )
    reason = models.CharField(_("reason"), max_length=200)
    condition = models.CharField(_("condition of the medium"), max_length=200, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    initiated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("initiated by"),
    )
    from_confirmed_at = models.DateTimeField(_("confirmed by the giver at"), null=True, blank=True)
    to_confirmed_at = models.DateTimeField(_("confirmed by the receiver at"), null=True, blank=True)
    closed_comment = models.CharField(_("comment"), max_length=200, blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("medium handover")
        verbose_name_plural = _("medium handovers")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["medium"],
                condition=Q(state="pending"),
                name="governance_medium_one_pending_handover",
            )
        ]

    def __str__(self):
        return f"{self.medium.reference}: {self.from_user} → {self.to_user}"

    @classmethod
    def visibility_q(cls, user) -> Q:
        return Q(from_user=user) | Q(to_user=user) | Q(medium__custodian=user)

    def sees(self, user) -> bool:
        return user.pk in (self.from_user_id, self.to_user_id) or (
            self.medium.custodian_id == user.pk
        )
