"""Emergency plans (the standard's §5 「制定相关应急预案」, obligation O7): one plan document per
scenario, kept in numbered versions. A version is drafted with the list of changes since the one
before (the plan changes proposed by drill findings, incidents or the annual process review),
approved by the plan's responsible leader, takes effect on a date, and must be reviewed again by
a deadline on the engine (at least yearly; sooner after a drill or major incident found gaps).
The task template a case gets (`ResponsePlan`) is derived from the plan and linked to it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.policy import VisibleQuerySet
from accounts.roles import Role, user_roles
from core.models import TimeStampedModel

from .cases import Incident
from .plans import ResponsePlan


class PlanScenario(models.TextChoices):
    DATA_LEAK = "data_leak", _("Data leak")
    RANSOMWARE = "ransomware", _("Ransomware or destructive malware")
    PARTNER_INCIDENT = "partner_incident", _("Incident at a partner holding our data")
    SYSTEM_OUTAGE = "system_outage", _("Outage of a data-sharing system")
    INSIDER = "insider", _("Misuse by an insider")
    OTHER = "other", _("Other scenario")


def _handlers_read(user) -> Q:
    # Incident handlers work from the plans; firm-wide roles see everything anyway.
    return Q(pk__isnull=False) if Role.INCIDENT_HANDLER in user_roles(user) else Q(pk__in=[])


class EmergencyPlan(TimeStampedModel):
    scenario = models.CharField(_("scenario"), max_length=20, choices=PlanScenario.choices)
    title = models.CharField(_("title"), max_length=200)
    responsible_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="led_emergency_plans",
        verbose_name=_("responsible leader"),
        help_text=_("Approves each version of the plan."),
    )
    review_interval_days = models.PositiveSmallIntegerField(
        _("review interval (days)"),
        default=365,
        help_text=_("The plan is reviewed at least this often; at most a year (O7)."),
    )
    response_plan = models.ForeignKey(
        ResponsePlan,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="emergency_plans",
        verbose_name=_("task template"),
        help_text=_("The tasks a case of this scenario gets, derived from the plan."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("emergency plan")
        verbose_name_plural = _("emergency plans")
        ordering = ["scenario", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(review_interval_days__gte=30, review_interval_days__lte=365),
                name="incidents_plan_review_within_a_year",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("incidents:plan-detail", args=[self.pk])

    @property
    def current_version(self):
        return self.versions.filter(state=EmergencyPlanVersion.State.IN_FORCE).first()

    @classmethod
    def visibility_q(cls, user) -> Q:
        return _handlers_read(user)


class EmergencyPlanVersion(TimeStampedModel):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_FORCE = "in_force", _("In force")
        SUPERSEDED = "superseded", _("Superseded")

    plan = models.ForeignKey(
        EmergencyPlan, on_delete=models.CASCADE, related_name="versions", verbose_name=_("plan")
    )
    number = models.PositiveSmallIntegerField(_("version"))
    body = models.TextField(_("plan text"))
    change_list = models.TextField(
        _("changes from the previous version"),
        blank=True,
        help_text=_("One change per line; the proposed changes are listed here when drafted."),
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("drafted by"),
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
    effective_on = models.DateField(_("effective from"), null=True, blank=True)
    review_due_on = models.DateField(_("review due by"), null=True, blank=True)
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("emergency plan version")
        verbose_name_plural = _("emergency plan versions")
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="incidents_plan_version_once"),
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(state="draft"),
                name="incidents_plan_one_draft",
            ),
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(state="in_force"),
                name="incidents_plan_one_in_force",
            ),
        ]

    def __str__(self):
        return f"{self.plan} v{self.number}"

    def change_lines(self) -> list[str]:
        return [line.strip() for line in self.change_list.splitlines() if line.strip()]

    @classmethod
    def visibility_q(cls, user) -> Q:
        return Q(plan__in=EmergencyPlan.objects.filter(_handlers_read(user)))


class PlanChange(TimeStampedModel):
    """A change proposed to a plan: by a drill finding, an incident's lessons, the annual
    process review or an officer. Drafting the plan's next version lists the open changes as
    that version's change list."""

    class Origin(models.TextChoices):
        DRILL = "drill", _("Drill finding")
        INCIDENT = "incident", _("Incident lessons")
        REVIEW = "review", _("Annual process review")
        OTHER = "other", _("Other")

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ADOPTED = "adopted", _("Adopted")
        REJECTED = "rejected", _("Rejected")

    plan = models.ForeignKey(
        EmergencyPlan, on_delete=models.CASCADE, related_name="changes", verbose_name=_("plan")
    )
    description = models.TextField(_("proposed change"))
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices)
    origin_label = models.CharField(_("origin detail"), max_length=200, blank=True)
    incident = models.ForeignKey(
        Incident,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_changes",
        verbose_name=_("incident"),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PROPOSED
    )
    version = models.ForeignKey(
        EmergencyPlanVersion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="changes",
        verbose_name=_("listed in version"),
    )
    adopted_meeting = models.ForeignKey(
        "governance.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("adopted at meeting"),
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
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
    decision_note = models.TextField(_("decision note"), blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan change")
        verbose_name_plural = _("plan changes")
        ordering = ["plan", "created_at", "id"]

    def __str__(self):
        return self.description[:60]

    @property
    def is_open(self) -> bool:
        return self.state != self.State.REJECTED and self.version_id is None

    @classmethod
    def visibility_q(cls, user) -> Q:
        return Q(plan__in=EmergencyPlan.objects.filter(_handlers_read(user)))
