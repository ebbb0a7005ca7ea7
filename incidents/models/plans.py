"""Incident cases (the standard's §5 emergency response): grading criteria, incidents, the work on (plans)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel

from .common import Grade, IncidentCategory


class ResponsePlan(TimeStampedModel):
    """应急预案 template: the tasks a case gets, chosen by category and grade (blank = any).
    The most specific active plan wins. Officers edit plans in the admin."""

    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(
        _("category"), max_length=30, blank=True, choices=IncidentCategory.choices
    )
    grade = models.CharField(_("grade"), max_length=3, choices=Grade.choices, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    target_resolution_hours = models.PositiveIntegerField(
        _("target resolution (hours)"),
        default=72,
        help_text=_("Handling target: resolved within this many hours of discovery."),
    )
    partner_followup_hours = models.PositiveIntegerField(
        _("partner follow-up (hours)"),
        default=24,
        help_text=_(
            "Partner incidents: follow-up with the partner due this many hours after opening."
        ),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("response plan")
        verbose_name_plural = _("response plans")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ResponsePlanStep(models.Model):
    plan = models.ForeignKey(
        ResponsePlan, on_delete=models.CASCADE, related_name="steps", verbose_name=_("plan")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    due_offset_hours = models.PositiveIntegerField(_("due after (hours)"), null=True, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("response plan step")
        verbose_name_plural = _("response plan steps")
        ordering = ["plan", "order", "id"]

    def __str__(self):
        return self.title
