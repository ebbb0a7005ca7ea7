"""Incident cases (the standard's §5 emergency response): grading criteria, incidents, the work on (cases)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.policy import VisibleQuerySet
from core.models import TimeStampedModel
from core.uploads import ALL_KINDS
from governance.models import DataLevel

from .common import Grade, IncidentCategory, SystemCategory, _handler_q, _handler_sees
from .grading import GradingCriterion, GradingCriterionSet
from .plans import ResponsePlan, ResponsePlanStep


class IncidentQuerySet(VisibleQuerySet):
    def real(self):
        """Real cases only: drills are kept out of statistics and regulatory reporting."""
        return self.filter(is_drill=False)

    def drills(self):
        return self.filter(is_drill=True)

    def open(self):
        return self.exclude(status=Incident.Status.CLOSED)


class ReferenceCounter(models.Model):
    """Per-year sequence for reference numbers, locked with SELECT … FOR UPDATE while a case is
    created: the number and the case commit (or roll back) together, so numbers are gap-free."""

    year = models.PositiveIntegerField(_("year"), primary_key=True)
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("reference counter")
        verbose_name_plural = _("reference counters")

    def __str__(self):
        return f"{self.year}: {self.last_number}"


class Incident(TimeStampedModel):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        GRADED = "graded", _("Graded")
        HANDLING = "handling", _("Handling")
        RESOLVED = "resolved", _("Resolved")
        SUMMARISED = "summarised", _("Summarised")
        CLOSED = "closed", _("Closed")

    Category = IncidentCategory

    class Source(models.TextChoices):
        INTERNAL = "internal", _("Internal detection")
        STAFF_REPORT = "staff_report", _("Staff report")
        PARTNER = "partner", _("Partner notice")
        CSRC = "csrc", _("CSRC notice")
        RISK_INTELLIGENCE = "risk_intelligence", _("Risk intelligence")
        DRILL = "drill", _("Drill")

    class PfiClass(models.IntegerChoices):
        C1 = 1, "C1"
        C2 = 2, "C2"
        C3 = 3, "C3"

    DataLevel = DataLevel  # the JR/T 0158 levels defined once, in governance

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    year = models.PositiveIntegerField(_("year"), editable=False)
    number = models.PositiveIntegerField(_("number"), editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    is_drill = models.BooleanField(_("drill"), default=False, editable=False)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NEW
    )
    grade = models.CharField(_("grade"), max_length=3, choices=Grade.choices, blank=True)

    occurred_at = models.DateTimeField(_("occurred at"), null=True, blank=True)
    discovered_at = models.DateTimeField(_("discovered at"))
    contained_at = models.DateTimeField(_("contained at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    # Facts the grading criteria read.
    persons_leaked = models.PositiveBigIntegerField(
        _("persons whose personal information leaked"), null=True, blank=True
    )
    records_leaked = models.PositiveBigIntegerField(_("records leaked"), null=True, blank=True)
    data_level = models.PositiveSmallIntegerField(
        _("highest data level affected"), choices=DataLevel.choices, null=True, blank=True
    )
    pfi_class = models.PositiveSmallIntegerField(
        _("personal financial information class"),
        choices=PfiClass.choices,
        null=True,
        blank=True,
    )
    economic_loss = models.DecimalField(
        _("direct economic loss (RMB)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    cii_involved = models.BooleanField(
        _("critical information infrastructure involved"), default=False
    )
    # Facts the reporting rules read (who must be told, and until when).
    service_restored_at = models.DateTimeField(
        _("service restored at"),
        null=True,
        blank=True,
        help_text=_("Outage-type cases: hourly follow-up reports stop once service is restored."),
    )
    suspected_crime_at = models.DateTimeField(
        _("suspected crime flagged at"),
        null=True,
        blank=True,
        help_text=_("Set when the case is suspected to be a crime: the police must be told."),
    )
    cause_unknown = models.BooleanField(
        _("cause not yet known"),
        default=False,
        help_text=_("A preliminary analysis report is then due instead of the final report."),
    )
    cause_established_at = models.DateTimeField(_("cause established at"), null=True, blank=True)
    qualitative_criteria = models.ManyToManyField(
        GradingCriterion,
        blank=True,
        related_name="+",
        verbose_name=_("qualitative criteria ticked"),
    )

    counterparty = models.ForeignKey(
        "governance.Counterparty",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("counterparty"),
    )
    agreement = models.ForeignKey(
        "governance.CooperationAgreement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("cooperation agreement"),
    )
    counterparty_name = models.CharField(
        _("counterparty (free text)"),
        max_length=200,
        blank=True,
        help_text=_("For partner incidents when the counterparty is not registered."),
    )
    summary = models.TextField(_("summary"), blank=True)
    response_plan = models.ForeignKey(
        ResponsePlan,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("response plan"),
    )

    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_incidents",
        verbose_name=_("assignee"),
    )
    team = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("team"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-discovered_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="incidents_year_number")
        ]
        indexes = [
            models.Index(fields=["-discovered_at", "-id"], name="inc_discovered_idx"),
            models.Index(fields=["status", "-discovered_at"], name="inc_status_idx"),
            models.Index(fields=["team", "-discovered_at"], name="inc_team_idx"),
            models.Index(fields=["assignee", "-discovered_at"], name="inc_assignee_idx"),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def get_absolute_url(self):
        return reverse("incidents:detail", args=[self.pk])

    @classmethod
    def visibility_q(cls, user, prefix: str = "") -> Q:
        return _handler_q(user, prefix)

    def sees(self, user) -> bool:
        """`visibility_q` for this one case (accounts.policy.can_see)."""
        return _handler_sees(user, self)

    @property
    def is_partner_incident(self):
        """A partner (data recipient, entrusted processor) had the incident: reported by it, or
        the case names the partner (a registered counterparty or, unregistered, by name)."""
        return (
            self.source == self.Source.PARTNER
            or self.counterparty_id is not None
            or bool(self.counterparty_name)
        )

    def partner_notices(self):
        """What the partner's security contacts were sent (timeline entries), newest first."""
        return self.timeline.filter(kind=TimelineEntry.Kind.PARTNER_NOTICE).order_by("-at")


class AffectedSystem(models.Model):
    incident = models.ForeignKey(
        Incident,
        on_delete=models.CASCADE,
        related_name="affected_systems",
        verbose_name=_("incident"),
    )
    name = models.CharField(_("system"), max_length=200)
    category = models.CharField(_("system category"), max_length=20, choices=SystemCategory.choices)
    is_cii = models.BooleanField(_("critical information infrastructure"), default=False)
    outage_minutes = models.PositiveIntegerField(_("full outage (minutes)"), default=0)
    main_function_outage_minutes = models.PositiveIntegerField(
        _("main-function outage (minutes)"), default=0
    )
    # CSRC 2021 grading (附表): information-system class × service-capability abnormality ×
    # duration, entered by the handler; the criteria combine them.
    system_class = models.PositiveSmallIntegerField(
        _("CSRC information-system class"),
        choices=[(1, "一类"), (2, "二类"), (3, "三类"), (4, "四类"), (5, "五类")],
        null=True,
        blank=True,
    )
    abnormality_percent = models.PositiveSmallIntegerField(
        _("service-capability abnormality (%)"), null=True, blank=True
    )
    abnormality_minutes = models.PositiveIntegerField(
        _("abnormality duration (minutes)"), null=True, blank=True
    )

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("affected system")
        verbose_name_plural = _("affected systems")
        ordering = ["incident", "id"]

    def __str__(self):
        return self.name

    @classmethod
    def visibility_q(cls, user) -> Q:
        return _handler_q(user, "incident__")


class GradeDecision(models.Model):
    """History of grading: who, when, old → new, why, proposal and matched criteria (snapshot)."""

    incident = models.ForeignKey(
        Incident,
        on_delete=models.CASCADE,
        related_name="grade_decisions",
        verbose_name=_("incident"),
    )
    criterion_set = models.ForeignKey(
        GradingCriterionSet,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("criteria set"),
    )
    old_grade = models.CharField(_("old grade"), max_length=3, choices=Grade.choices, blank=True)
    proposed_grade = models.CharField(_("proposed grade"), max_length=3, choices=Grade.choices)
    grade = models.CharField(_("grade"), max_length=3, choices=Grade.choices)
    overridden = models.BooleanField(_("proposal overridden"), default=False)
    reason = models.TextField(_("reason"), blank=True)
    matched = models.JSONField(_("matched criteria"), default=list)
    facts = models.JSONField(_("facts"), default=dict)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("grade decision")
        verbose_name_plural = _("grade decisions")
        ordering = ["incident", "-decided_at", "-id"]

    def __str__(self):
        return f"{self.incident_id}: {self.old_grade or '—'} → {self.grade}"

    @classmethod
    def visibility_q(cls, user) -> Q:
        return _handler_q(user, "incident__")


class TimelineEntry(models.Model):
    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        NOTE = "note", _("Note")
        GRADED = "graded", _("Graded")
        STATUS = "status", _("Status change")
        ACTION = "action", _("Action taken")
        CONTAINMENT = "containment", _("Containment")
        COMMUNICATION = "communication", _("Communication")
        EVIDENCE = "evidence", _("Evidence")
        TASK = "task", _("Task")
        DEADLINE = "deadline", _("Deadline")
        RECTIFICATION = "rectification", _("Rectification")
        PARTNER_NOTICE = "partner_notice", _("Partner notified")

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="timeline", verbose_name=_("incident")
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.NOTE)
    text = models.TextField(_("text"))

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["incident", "-at", "-id"]
        indexes = [
            models.Index(fields=["incident", "-at", "-id"], name="inc_timeline_idx"),
            # Newest notes first across cases: the search box (incidents.search) walks it.
            models.Index(fields=["-at", "-id"], name="inc_timeline_at_idx"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"

    @classmethod
    def visibility_q(cls, user) -> Q:
        return _handler_q(user, "incident__")


class IncidentTask(TimeStampedModel):
    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    class Kind(models.TextChoices):
        PLAN = "plan", _("From response plan")
        INVESTIGATION = "investigation", _("Partner investigation")
        MANUAL = "manual", _("Manual")

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("incident")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices, default=Kind.MANUAL)
    plan_step = models.ForeignKey(
        ResponsePlanStep,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("plan step"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incident_tasks",
        verbose_name=_("assignee"),
    )
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("completed by"),
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["incident", "order", "id"]

    def __str__(self):
        return self.title

    @classmethod
    def visibility_q(cls, user) -> Q:
        return _handler_q(user, "incident__")

    @property
    def is_overdue(self):
        return self.state == self.State.OPEN and self.due_at and self.due_at < timezone.now()


class Comment(models.Model):
    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="comments", verbose_name=_("incident")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["incident", "created_at", "id"]

    def __str__(self):
        return self.body[:40]

    @classmethod
    def visibility_q(cls, user) -> Q:
        return _handler_q(user, "incident__")


# Evidence may be any recognised type: documents, images, logs, mail (.eml/.msg), archives
# (zip/7z/gzip) and packet captures; executables are refused by content whatever the name.
EVIDENCE_KINDS = tuple(sorted(ALL_KINDS))
