"""Governance records: the periodic data-sharing evaluation (数据共享评估, standard §7, O13), run as
goal → team (管理层, 执行层) → scope (the inventory of shared data by category) → plan approved by
management → monitored execution → report (方案, 目标, 结论, 意见) sent to the sharing parties."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.policy import VisibleQuerySet
from core.models import TimeStampedModel

from .agreements import Counterparty


def evaluation_document_path(instance, filename):
    return f"governance/evaluations/{timezone.now():%Y/%m}/{filename}"


class SharingEvaluation(TimeStampedModel):
    class State(models.TextChoices):
        PREPARING = "preparing", _("Preparing (goal, team, scope, plan)")
        PLAN_SUBMITTED = "plan_submitted", _("Plan awaiting management approval")
        EXECUTING = "executing", _("Executing")
        REPORTING = "reporting", _("Writing the report")
        REPORT_SUBMITTED = "report_submitted", _("Report awaiting approval")
        APPROVED = "approved", _("Report approved")

    reference = models.CharField(_("reference"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("evaluated period from"))
    period_end = models.DateField(_("evaluated period to"))
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.PREPARING
    )
    # 1. goal
    goal = models.TextField(_("goal"), blank=True)
    # 4. plan (方案): scope, objects, goal (above), organisation, budget, schedule; measures below.
    plan_scope = models.TextField(_("scope"), blank=True)
    plan_objects = models.TextField(_("objects evaluated"), blank=True)
    plan_organisation = models.TextField(_("organisation"), blank=True)
    plan_budget = models.DecimalField(
        _("budget (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    plan_schedule = models.TextField(_("timetable"), blank=True)
    plan_submitted_at = models.DateTimeField(_("plan submitted at"), null=True, blank=True)
    plan_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("plan approved by"),
    )
    plan_approved_at = models.DateTimeField(_("plan approved at"), null=True, blank=True)
    plan_comment = models.TextField(_("plan decision comment"), blank=True)
    # 5. execution
    started_at = models.DateTimeField(_("execution started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("execution finished at"), null=True, blank=True)
    # 6. report (评估报告): 方案, 目标, 结论, 意见, and the figures frozen when submitted.
    report_plan = models.TextField(_("report: the plan"), blank=True)
    report_goal = models.TextField(_("report: the goal"), blank=True)
    report_conclusion = models.TextField(_("report: conclusion"), blank=True)
    report_opinion = models.TextField(_("report: opinions and improvements"), blank=True)
    figures = models.JSONField(_("usage figures"), default=dict, blank=True)
    report_submitted_at = models.DateTimeField(_("report submitted at"), null=True, blank=True)
    report_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("report approved by"),
    )
    report_approved_at = models.DateTimeField(_("report approved at"), null=True, blank=True)
    report_pdf = models.FileField(_("report (PDF)"), upload_to=evaluation_document_path, blank=True)
    report_docx = models.FileField(
        _("report (DOCX)"), upload_to=evaluation_document_path, blank=True
    )
    report_sha256 = models.CharField(_("report PDF SHA-256"), max_length=64, blank=True)
    report_sent_at = models.DateTimeField(_("report sent at"), null=True, blank=True)
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
        verbose_name = _("sharing evaluation")
        verbose_name_plural = _("sharing evaluations")
        ordering = ["-period_start", "-id"]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("governance:evaluation-detail", args=[self.pk])

    @classmethod
    def visibility_q(cls, user) -> Q:
        """Team members see their evaluation; firm-wide roles see all (accounts.policy)."""
        return Q(pk__in=EvaluationTeamMember.objects.filter(user=user).values("evaluation"))

    def sees(self, user) -> bool:
        return self.team.filter(user=user).exists()

    def member_ids(self, layer: str | None = None) -> set[int]:
        rows = self.team.all()
        return {m.user_id for m in rows if layer is None or m.layer == layer}

    @property
    def executor_ids(self) -> set[int]:
        """Who carries the work (执行层); read by the policy."""
        return self.member_ids(EvaluationTeamMember.Layer.EXECUTION)

    @property
    def manager_ids(self) -> set[int]:
        return self.member_ids(EvaluationTeamMember.Layer.MANAGEMENT)


class EvaluationTeamMember(models.Model):
    class Layer(models.TextChoices):
        MANAGEMENT = "management", _("Management layer (decisions, approval, supervision)")
        EXECUTION = "execution", _("Execution layer (planning, carrying out, recording)")

    evaluation = models.ForeignKey(
        SharingEvaluation,
        on_delete=models.CASCADE,
        related_name="team",
        verbose_name=_("evaluation"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="evaluation_memberships",
        verbose_name=_("person"),
    )
    layer = models.CharField(_("layer"), max_length=12, choices=Layer.choices)
    responsibility = models.CharField(_("responsibility"), max_length=200, blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation team member")
        verbose_name_plural = _("evaluation team")
        ordering = ["evaluation", "layer", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "user"], name="governance_eval_member_once"
            )
        ]

    def __str__(self):
        return f"{self.user} ({self.get_layer_display()})"

    @classmethod
    def visibility_q(cls, user) -> Q:
        return Q(
            evaluation__in=SharingEvaluation.objects.filter(SharingEvaluation.visibility_q(user))
        )


class EvaluationScopeItem(models.Model):
    """One line of the inventory of shared data (共享数据评估清单), by data category, with the
    usage figures computed for the period."""

    evaluation = models.ForeignKey(
        SharingEvaluation,
        on_delete=models.CASCADE,
        related_name="scope_items",
        verbose_name=_("evaluation"),
    )
    category = models.CharField(_("data category"), max_length=100)
    source = models.CharField(_("shared data source"), max_length=200)
    counterparty = models.ForeignKey(
        Counterparty,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sharing party"),
    )
    transfers = models.PositiveIntegerField(_("transfers in the period"), default=0)
    transfers_previous = models.PositiveIntegerField(
        _("transfers in the previous period"), default=0
    )
    records = models.PositiveBigIntegerField(_("records shared"), default=0)
    clean_transfers = models.PositiveIntegerField(_("transfers without a mismatch"), default=0)
    valid_records = models.PositiveBigIntegerField(
        _("valid records observed"),
        null=True,
        blank=True,
        help_text=_("Entered by the execution layer after observing the data; empty: not yet."),
    )
    from_ledger = models.BooleanField(_("pre-filled from the ledger"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation scope item")
        verbose_name_plural = _("evaluation scope")
        ordering = ["evaluation", "category", "source"]

    def __str__(self):
        return f"{self.category} · {self.source}"

    @classmethod
    def visibility_q(cls, user) -> Q:
        return Q(
            evaluation__in=SharingEvaluation.objects.filter(SharingEvaluation.visibility_q(user))
        )

    @property
    def frequency_change(self) -> float | None:
        """Change of usage against the previous period of the same length (+0.25 = 25% more)."""
        if not self.transfers_previous:
            return None
        return (self.transfers - self.transfers_previous) / self.transfers_previous

    @property
    def validity_rate(self) -> float | None:
        """有效率: valid records observed over records shared when observed, otherwise the share
        of transfers that reconciled without a mismatch."""
        if self.valid_records is not None and self.records:
            return min(self.valid_records / self.records, 1.0)
        if self.transfers:
            return self.clean_transfers / self.transfers
        return None


class EvaluationMeasure(models.Model):
    """One measure of the plan: how it is carried out and supervised."""

    evaluation = models.ForeignKey(
        SharingEvaluation,
        on_delete=models.CASCADE,
        related_name="measures",
        verbose_name=_("evaluation"),
    )
    name = models.CharField(_("measure"), max_length=200)
    method = models.TextField(_("implementation method"))
    tools = models.CharField(_("tools"), max_length=200, blank=True)
    risks = models.TextField(_("potential risks"))
    rollback = models.TextField(_("rollback"))
    contingency = models.TextField(_("contingency plan"))
    supervision = models.TextField(_("supervision and review"))
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("supervisor"),
    )

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation measure")
        verbose_name_plural = _("evaluation measures")
        ordering = ["evaluation", "id"]

    def __str__(self):
        return self.name

    @classmethod
    def visibility_q(cls, user) -> Q:
        return Q(
            evaluation__in=SharingEvaluation.objects.filter(SharingEvaluation.visibility_q(user))
        )


class EvaluationMonitorEntry(models.Model):
    """What the supervision recorded while the evaluation ran (评估过程监控)."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", _("Progress")
        DEVIATION = "deviation", _("Deviation from the plan")
        REVIEW = "review", _("Supervision review")

    evaluation = models.ForeignKey(
        SharingEvaluation,
        on_delete=models.CASCADE,
        related_name="monitor_entries",
        verbose_name=_("evaluation"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    note = models.TextField(_("note"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation monitoring entry")
        verbose_name_plural = _("evaluation monitoring")
        ordering = ["evaluation", "recorded_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.recorded_at:%Y-%m-%d}"

    @classmethod
    def visibility_q(cls, user) -> Q:
        return Q(
            evaluation__in=SharingEvaluation.objects.filter(SharingEvaluation.visibility_q(user))
        )


class EvaluationRecipient(models.Model):
    """Whom the approved report was sent to (a counterparty contact's address)."""

    evaluation = models.ForeignKey(
        SharingEvaluation,
        on_delete=models.CASCADE,
        related_name="recipients",
        verbose_name=_("evaluation"),
    )
    counterparty = models.ForeignKey(
        Counterparty, on_delete=models.PROTECT, related_name="+", verbose_name=_("counterparty")
    )
    name = models.CharField(_("name"), max_length=60)
    email = models.EmailField(_("e-mail"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation report recipient")
        verbose_name_plural = _("evaluation report recipients")
        ordering = ["evaluation", "counterparty", "name"]

    def __str__(self):
        return f"{self.name} <{self.email}>"

    @classmethod
    def visibility_q(cls, user) -> Q:
        return Q(
            evaluation__in=SharingEvaluation.objects.filter(SharingEvaluation.visibility_q(user))
        )
