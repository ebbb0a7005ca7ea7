"""Incident cases (the standard's §5 emergency response): grading criteria, incidents, the work on
a case (timeline, tasks, comments, evidence, chain of custody), rectification and staff concerns.

Team: an incident's *team* is an accounts.Department (`Incident.team`). A handler sees the
incidents assigned to them, created by them, and those of their own department. Officers,
auditors and administrators see everything (accounts.policy).
"""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.policy import VisibleQuerySet
from accounts.roles import Role, user_roles
from core.models import TimeStampedModel
from core.uploads import ALL_KINDS, UploadValidator
from governance.models import DataLevel


class Grade(models.TextChoices):
    """National four levels (国家网络安全事件应急预案), most severe first."""

    I = "I", _("I – particularly major")  # noqa: E741
    II = "II", _("II – major")
    III = "III", _("III – relatively major")
    IV = "IV", _("IV – general")


# Higher number = more severe; used to pick the highest matching grade.
GRADE_SEVERITY = {Grade.I: 4, Grade.II: 3, Grade.III: 2, Grade.IV: 1}


class SourceStatus(models.TextChoices):
    CONFIRMED = "C", _("[C] confirmed from source text")
    QUOTED = "Q", _("[Q] confirmed through a verbatim quote")
    SECONDARY = "S", _("[S] uncertain or secondary – confirm")


class SystemCategory(models.TextChoices):
    """Functional category of an affected information system (outage criteria key on it)."""

    TRADING = "trading", _("Centralised or online trading system")
    DEPOSITORY = "depository", _("Third-party depository or margin-trading system")
    BANK_FUTURES = "bank_futures", _("Bank–futures transfer system")
    CLEARING = "clearing", _("Clearing and settlement system")
    CUSTOMER_SERVICE = "customer_service", _("Customer service system (app, website)")
    DATA_PLATFORM = "data_platform", _("Data platform or data-sharing system")
    INTERNAL = "internal", _("Internal management system")
    OTHER = "other", _("Other system")


def _handler_q(user, prefix: str) -> Q:
    """Incidents a non-firm-wide user may see: handlers their own and their team's."""
    if Role.INCIDENT_HANDLER not in user_roles(user):
        return Q(pk__in=[])
    q = Q(**{f"{prefix}assignee": user}) | Q(**{f"{prefix}created_by": user})
    if user.department_id:
        q |= Q(**{f"{prefix}team_id": user.department_id})
    return q


def _handler_sees(user, incident) -> bool:
    """`_handler_q` as a predicate on one loaded case."""
    if Role.INCIDENT_HANDLER not in user_roles(user):
        return False
    return (
        incident.assignee_id == user.pk
        or incident.created_by_id == user.pk
        or (user.department_id is not None and incident.team_id == user.department_id)
    )


class IncidentCategory(models.TextChoices):
    """GB/T 20986-2023 event classes (three names [C], the others [S])."""

    MALWARE = "malware", _("Malicious program event")
    NETWORK_ATTACK = "network_attack", _("Network attack event")
    DATA_SECURITY = "data_security", _("Data security event")
    CONTENT_SECURITY = "content_security", _("Information content security event")
    EQUIPMENT_FAILURE = "equipment_failure", _("Equipment or facility failure event")
    IMPROPER_OPERATION = "improper_operation", _("Improper operation event")
    SECURITY_HAZARD = "security_hazard", _("Security hazard event")
    ABNORMAL_BEHAVIOUR = "abnormal_behaviour", _("Abnormal behaviour event")
    FORCE_MAJEURE = "force_majeure", _("Force majeure event")
    OTHER = "other", _("Other event")


# --- grading criteria ---------------------------------------------------------------------------


class GradingCriterionSet(TimeStampedModel):
    """A version of the grading criteria. Exactly one is active; grades already given keep the
    version (and a snapshot of the matched criteria) they were decided with."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        RETIRED = "retired", _("Retired")

    version = models.PositiveIntegerField(_("version"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.DRAFT, db_index=True
    )
    notes = models.TextField(_("notes"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("grading criteria set")
        verbose_name_plural = _("grading criteria sets")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["state"], condition=Q(state="active"), name="incidents_one_active_set"
            )
        ]

    def __str__(self):
        return f"v{self.version} {self.name}"

    @classmethod
    def active(cls):
        return cls.objects.filter(state=cls.State.ACTIVE).first()


class GradingCriterion(models.Model):
    """One rule: `fact` compared with `threshold` (inclusive for ≥, as the CAC guide's 以上), or a
    qualitative statement an officer ticks. Each carries its source and [C]/[Q]/[S] status."""

    class Fact(models.TextChoices):
        PERSONS_LEAKED = "persons_leaked", _("Persons whose personal information leaked")
        RECORDS_LEAKED = "records_leaked", _("Records leaked")
        DATA_LEVEL = "data_level", _("Highest data level affected (1–4)")
        PFI_CLASS = "pfi_class", _("Personal financial information class (1=C1 … 3=C3)")
        OUTAGE_MINUTES = "outage_minutes", _("Full service outage (minutes)")
        MAIN_FUNCTION_OUTAGE_MINUTES = "main_outage_minutes", _("Main-function outage (minutes)")
        ECONOMIC_LOSS = "economic_loss", _("Direct economic loss (RMB)")
        CII_INVOLVED = "cii_involved", _("Critical information infrastructure involved")
        QUALITATIVE = "qualitative", _("Qualitative (ticked by an officer)")

    class Operator(models.TextChoices):
        GTE = "gte", "≥"
        GT = "gt", ">"

    NUMERIC_FACTS = {
        Fact.PERSONS_LEAKED,
        Fact.RECORDS_LEAKED,
        Fact.DATA_LEVEL,
        Fact.PFI_CLASS,
        Fact.OUTAGE_MINUTES,
        Fact.MAIN_FUNCTION_OUTAGE_MINUTES,
        Fact.ECONOMIC_LOSS,
    }
    OUTAGE_FACTS = {Fact.OUTAGE_MINUTES, Fact.MAIN_FUNCTION_OUTAGE_MINUTES}

    criterion_set = models.ForeignKey(
        GradingCriterionSet,
        on_delete=models.CASCADE,
        related_name="criteria",
        verbose_name=_("criteria set"),
    )
    code = models.SlugField(_("code"), max_length=60)
    grade = models.CharField(_("grade"), max_length=3, choices=Grade.choices)
    fact = models.CharField(_("fact"), max_length=30, choices=Fact.choices)
    operator = models.CharField(
        _("operator"), max_length=3, choices=Operator.choices, default=Operator.GTE
    )
    threshold = models.DecimalField(
        _("threshold"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    system_category = models.CharField(
        _("system category"),
        max_length=20,
        choices=SystemCategory.choices,
        blank=True,
        help_text=_("Outage criteria only: blank means any system."),
    )
    cii_only = models.BooleanField(
        _("CII systems only"),
        default=False,
        help_text=_("Outage criteria only: count only systems that are critical infrastructure."),
    )
    description = models.TextField(_("description"))
    source = models.CharField(_("source"), max_length=300)
    source_status = models.CharField(_("source status"), max_length=1, choices=SourceStatus.choices)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("grading criterion")
        verbose_name_plural = _("grading criteria")
        ordering = ["criterion_set", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["criterion_set", "code"], name="incidents_criterion_code_per_set"
            )
        ]

    def __str__(self):
        return f"{self.grade} · {self.description[:60]}"

    @property
    def is_numeric(self):
        return self.fact in self.NUMERIC_FACTS

    def snapshot(self) -> dict:
        return {
            "id": self.pk,
            "code": self.code,
            "grade": self.grade,
            "fact": self.fact,
            "operator": self.operator,
            "threshold": str(self.threshold) if self.threshold is not None else None,
            "description": self.description,
            "source": self.source,
            "source_status": self.source_status,
        }


# --- response plans -----------------------------------------------------------------------------


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


# --- incidents ----------------------------------------------------------------------------------


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
        return self.source == self.Source.PARTNER


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
        indexes = [models.Index(fields=["incident", "-at", "-id"], name="inc_timeline_idx")]

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


def evidence_upload_to(instance, filename):
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"incidents/evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{ext}"


class Evidence(models.Model):
    """An uploaded file with its SHA-256, checked again on every download."""

    class Integrity(models.TextChoices):
        OK = "ok", _("Intact")
        TAMPERED = "tampered", _("Tampered: hash mismatch")
        MISSING = "missing", _("File missing")

    incident = models.ForeignKey(
        Incident,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("incident"),
    )
    rectification_item = models.ForeignKey(
        "RectificationItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("rectification item"),
    )
    file = models.FileField(
        _("file"),
        upload_to=evidence_upload_to,
        max_length=255,
        validators=[UploadValidator(kinds=EVIDENCE_KINDS)],
    )
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    description = models.CharField(_("description"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    integrity = models.CharField(
        _("integrity"), max_length=10, choices=Integrity.choices, default=Integrity.OK
    )
    last_verified_at = models.DateTimeField(_("last verified at"), null=True, blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(incident__isnull=False) | Q(rectification_item__isnull=False),
                name="incidents_evidence_has_owner",
            )
        ]

    def __str__(self):
        return self.original_name

    @classmethod
    def visibility_q(cls, user) -> Q:
        return (
            _handler_q(user, "incident__")
            | _handler_q(user, "rectification_item__incident__")
            | Q(rectification_item__owner=user)
        )


class CustodyEntry(models.Model):
    """Chain of custody of one piece of evidence (append-only)."""

    class Action(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        DOWNLOADED = "downloaded", _("Downloaded (hash verified)")
        TAMPER_DETECTED = "tamper_detected", _("Tampering detected, download refused")
        TRANSFERRED = "transferred", _("Handed over")
        NOTE = "note", _("Note")

    evidence = models.ForeignKey(
        Evidence, on_delete=models.CASCADE, related_name="custody", verbose_name=_("evidence")
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    note = models.TextField(_("note"), blank=True)
    sha256 = models.CharField(_("SHA-256 observed"), max_length=64, blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("custody entry")
        verbose_name_plural = _("custody entries")
        ordering = ["evidence", "at", "id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"

    @classmethod
    def visibility_q(cls, user) -> Q:
        return Q(evidence__in=Evidence.objects.filter(Evidence.visibility_q(user)))


class RectificationItem(TimeStampedModel):
    """整改: a corrective action with an owner, an engine deadline, evidence and verification by
    a second person.

    Ownership: an item belongs either to an incident (`incident`, nullable FK) or to another
    record through the generic link (`origin_type`/`origin_id`), e.g. a training drill's finding
    (training.DrillFinding). The incident FK is kept explicit because closing a case checks its
    open items with one indexed query; other apps use the generic link and never need a change
    here. At least one of the two is set.
    """

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done, awaiting verification")
        VERIFIED = "verified", _("Verified")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN_STATES = (State.OPEN, State.DONE)

    incident = models.ForeignKey(
        Incident,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rectifications",
        verbose_name=_("incident"),
    )
    origin_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("origin type"),
    )
    origin_id = models.PositiveBigIntegerField(_("origin id"), null=True, blank=True)
    origin = GenericForeignKey("origin_type", "origin_id")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="rectification_items",
        verbose_name=_("owner"),
    )
    due_at = models.DateTimeField(_("due at"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    completion_note = models.TextField(_("completion note"), blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verification_note = models.TextField(_("verification note"), blank=True)
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
        verbose_name = _("rectification item")
        verbose_name_plural = _("rectification items")
        ordering = ["due_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(incident__isnull=False) | Q(origin_type__isnull=False),
                name="incidents_rectification_has_owner",
            )
        ]
        indexes = [models.Index(fields=["origin_type", "origin_id"], name="inc_rect_origin_idx")]

    def __str__(self):
        return self.title

    @classmethod
    def visibility_q(cls, user) -> Q:
        return _handler_q(user, "incident__") | Q(owner=user)

    @property
    def is_open(self):
        return self.state in self.OPEN_STATES


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
