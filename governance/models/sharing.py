"""Governance records: who the firm shares regulatory data with, under which agreement, who holds (sharing)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.policy import VisibleQuerySet
from core.models import TimeStampedModel

from .agreements import CooperationAgreement, Counterparty
from .common import DataLevel, SharingTier


class SharingRegistration(TimeStampedModel):
    """A request to share a dataset with a counterparty under a cooperation agreement."""

    class State(models.TextChoices):
        AWAITING_AUTHORITY = "authority", _("Awaiting data-authority department approval")
        AWAITING_APPROVAL = "approval", _("Bulk share awaiting compliance approval")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    reference = models.CharField(_("reference"), max_length=40, unique=True)
    counterparty = models.ForeignKey(
        Counterparty,
        on_delete=models.PROTECT,
        related_name="sharing_registrations",
        verbose_name=_("counterparty"),
    )
    agreement = models.ForeignKey(
        CooperationAgreement,
        on_delete=models.PROTECT,
        related_name="sharing_registrations",
        verbose_name=_("agreement"),
    )
    dataset = models.CharField(_("dataset"), max_length=200)
    purpose = models.TextField(_("purpose"))
    data_level = models.PositiveSmallIntegerField(_("data level"), choices=DataLevel.choices)
    sharing_tier = models.CharField(_("sharing tier"), max_length=12, choices=SharingTier.choices)
    planned_on = models.DateField(_("planned sharing date"))
    is_bulk_one_time = models.BooleanField(
        _("bulk one-time share"),
        default=False,
        help_text=_("A large one-off transfer: flagged for compliance approval."),
    )
    record_count = models.PositiveIntegerField(_("number of records"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="sharing_requests",
        verbose_name=_("requested by"),
    )
    authority_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("data-authority approval by"),
    )
    authority_approved_at = models.DateTimeField(
        _("data-authority approval at"), null=True, blank=True
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    decision_comment = models.TextField(_("decision comment"), blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("sharing registration")
        verbose_name_plural = _("sharing registrations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.reference} {self.dataset}"

    @classmethod
    def visibility_q(cls, user) -> Q:
        q = Q(requested_by=user) | Q(agreement__owner=user)
        department = getattr(user, "department", None)
        if department is not None and department.kind == "data_authority":
            # The data-authority department decides on strictly restricted shares.
            q |= Q(sharing_tier=SharingTier.STRICTLY_RESTRICTED)
        return q


class SharingLogQuerySet(VisibleQuerySet):
    def update(self, **kwargs):
        raise PermissionError("The sharing log is append-only.")

    def delete(self):
        raise PermissionError("The sharing log is append-only.")


class SharingLogEntry(models.Model):
    """共享日志: one row per approved sharing event. Append-only (the model refuses updates and
    deletes; on PostgreSQL a trigger refuses them too). Values are copied so later edits of the
    agreement or counterparty do not rewrite history."""

    registration = models.ForeignKey(
        SharingRegistration,
        on_delete=models.PROTECT,
        related_name="log_entries",
        verbose_name=_("registration"),
    )
    logged_at = models.DateTimeField(_("logged at"), default=timezone.now, db_index=True)
    counterparty_name = models.CharField(_("counterparty"), max_length=200)
    counterparty = models.ForeignKey(
        Counterparty,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("counterparty record"),
    )
    agreement_reference = models.CharField(_("agreement"), max_length=40)
    dataset = models.CharField(_("dataset"), max_length=200)
    purpose = models.TextField(_("purpose"))
    data_level = models.PositiveSmallIntegerField(_("data level"), choices=DataLevel.choices)
    sharing_tier = models.CharField(_("sharing tier"), max_length=12, choices=SharingTier.choices)
    is_bulk_one_time = models.BooleanField(_("bulk one-time share"), default=False)
    record_count = models.PositiveIntegerField(_("number of records"), null=True, blank=True)
    planned_on = models.DateField(_("planned sharing date"))
    requested_by = models.CharField(_("requested by"), max_length=150)
    approved_by = models.CharField(_("approved by"), max_length=150)
    authority_approved_by = models.CharField(_("data-authority approval by"), max_length=150)

    objects = SharingLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("sharing log entry")
        verbose_name_plural = _("sharing log")
        ordering = ["-logged_at", "-id"]
        default_permissions = ("add", "view")

    def __str__(self):
        return f"{self.logged_at:%Y-%m-%d %H:%M} {self.counterparty_name} {self.dataset}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The sharing log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The sharing log is append-only.")

    @classmethod
    def visibility_q(cls, user) -> Q:
        return Q(registration__requested_by=user)
