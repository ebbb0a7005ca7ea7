"""Incident cases (the standard's §5 emergency response): grading criteria, incidents, the work on (concerns)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.policy import VisibleQuerySet
from accounts.roles import Role, user_roles
from core.models import TimeStampedModel

from .cases import Incident


class Concern(TimeStampedModel):
    """A staff member's report of a suspected data-security problem (standard §6 宣传)."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted, awaiting triage")
        PROMOTED = "promoted", _("Promoted to an incident")
        CLOSED = "closed", _("Closed")

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="concerns",
        verbose_name=_("reporter"),
    )
    summary = models.CharField(_("what happened"), max_length=200)
    details = models.TextField(_("details"), blank=True)
    observed_at = models.DateTimeField(_("observed at"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.SUBMITTED, db_index=True
    )
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("triaged by"),
    )
    triaged_at = models.DateTimeField(_("triaged at"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    incident = models.ForeignKey(
        Incident,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="concerns",
        verbose_name=_("incident"),
    )

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("concern")
        verbose_name_plural = _("concerns")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.summary

    @classmethod
    def visibility_q(cls, user) -> Q:
        if Role.INCIDENT_HANDLER in user_roles(user):
            return Q(pk__isnull=False)  # handlers work the triage queue
        return Q(reporter=user)
