"""Governance records: who the firm shares regulatory data with, under which agreement, who holds (contacts)."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.policy import VisibleQuerySet
from accounts.roles import user_roles
from core.models import TimeStampedModel

from .agreements import CooperationAgreement
from .common import today_local


class ContactRole(models.TextChoices):
    DATA_CONTROLLER = "data_controller", _("Data controller")
    INCIDENT_LEAD = "incident_lead", _("Incident lead")
    DEPUTY_INCIDENT_LEAD = "deputy_incident_lead", _("Deputy incident lead")
    REGULATOR_LIAISON = "regulator_liaison", _("Regulator liaison")
    COMPLIANCE_HEAD = "compliance_head", _("Compliance head")
    DATA_SOURCE_CONTACT = "data_source_contact", _("Data-source department contact")
    DATA_USING_CONTACT = "data_using_contact", _("Data-using department contact")
    DATA_AUTHORITY_CONTACT = "data_authority_contact", _("Data-authority department contact")
    PARTNER_SECURITY_CONTACT = "partner_security_contact", _("Partner security contact")


class ContactRoleAssignmentQuerySet(VisibleQuerySet):
    def current(self, on: datetime.date | None = None):
        on = on or today_local()
        return self.filter(valid_from__lte=on).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=on)
        )


class ContactRoleAssignment(TimeStampedModel):
    """A person holding a contact role for the firm, a department or an agreement, for a time,
    with a deputy who is reached when the holder is away or the assignment has ended."""

    role = models.CharField(_("role"), max_length=30, choices=ContactRole.choices, db_index=True)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="contact_roles",
        verbose_name=_("holder"),
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deputy_contact_roles",
        verbose_name=_("deputy"),
    )
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contact_roles",
        verbose_name=_("for department"),
    )
    agreement = models.ForeignKey(
        CooperationAgreement,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contact_roles",
        verbose_name=_("for agreement"),
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    objects = ContactRoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact role assignment")
        verbose_name_plural = _("contact role assignments")
        ordering = ["role", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="governance_contactrole_validity_order",
            ),
            models.CheckConstraint(
                condition=Q(department__isnull=True) | Q(agreement__isnull=True),
                name="governance_contactrole_one_scope",
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()}: {self.holder}"

    @property
    def scope_label(self) -> str:
        if self.agreement_id:
            return str(self.agreement)
        if self.department_id:
            return str(self.department)
        return str(_("Firm"))

    @classmethod
    def visibility_q(cls, user) -> Q:
        # The directory is for everyone who works here (holds a role): who to call is not a
        # secret inside the firm; an account without a role sees none of it.
        return Q() if user_roles(user) else Q(pk__in=[])
