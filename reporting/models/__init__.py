"""Regulatory reporting: rules as versioned data, report obligations per recipient and stage,
four-eyes approval with frozen hashed snapshots, submissions, regulator notices and risk
intelligence (the standard's §5 应急响应 and §7 数据共享监测)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.policy import VisibleQuerySet
from core.models import TimeStampedModel
from core.uploads import UploadValidator
from incidents.models import Grade, SourceStatus  # one definition of grades and [C]/[Q]/[S]

from .common import NOTICE_KINDS as NOTICE_KINDS  # re-exported: forms and views read it here
from .common import RECEIPT_KINDS, Recipient

GRADE_RANK: dict[str, int] = {Grade.I: 1, Grade.II: 2, Grade.III: 3, Grade.IV: 4}


class Regime(models.TextChoices):
    CSRC = "csrc", _("CSRC securities and futures incident reporting")
    CAC = "cac", _("National cyber-incident reporting (CAC 2025)")


class Stage(models.TextChoices):
    INITIAL = "initial", _("Initial report")
    SUPPLEMENTARY = "supplementary", _("Supplementary report")
    FOLLOW_UP = "follow_up", _("Follow-up report")
    PRELIMINARY = "preliminary", _("Preliminary analysis report")
    FINAL = "final", _("Final summary report")
    CRIME = "crime", _("Report of a suspected crime")
    DRILL = "drill", _("Drill report")
    FEEDBACK = "feedback", _("Feedback on a regulator notice")


class Anchor(models.TextChoices):
    DISCOVERED = "discovered", _("Discovery of the incident")
    GRADED = "graded", _("Grading of the incident")
    RESOLVED = "resolved", _("End of handling (service restored)")
    OPENED = "opened", _("Opening of the stage by the reporter")
    CRIME_SUSPECTED = "crime_suspected", _("Flagging of a suspected crime")
    DRILL_COMPLETED = "drill_completed", _("End of the drill")


class Basis(models.TextChoices):
    TEXT = "text", _("Required by the text")
    FIRM = "firm", _("Firm's choice")


class TimeOfDay(models.TextChoices):
    END_OF_DAY = "end_of_day", _("By the end of the last day (23:59:59)")
    TRIGGER_CLOCK = "trigger_clock", _("At the trigger's clock time on the last day")


class AppliesWhen(models.TextChoices):
    ALWAYS = "", _("Whenever grade and CII scope match")
    OUTAGE = "outage", _("Outage-type case, while its service is not restored")
    LEAK = "leak", _("Leak-type case (data damaged or leaked)")
    CAUSE_UNKNOWN = "cause_unknown", _("Cause not known at the end of handling")
    CAUSE_KNOWN = (
        "cause_known",
        _("Counted from the end of handling, or from when the cause was established if later"),
    )
    SUSPECTED_CRIME = "suspected_crime", _("The case is flagged as a suspected crime")
    OPENED = "opened", _("Opened by the reporter")
    DRILL = "drill", _("A completed drill")


class OffsetUnit(models.TextChoices):
    # "minutes" alone is the meeting's minutes (会议纪要) in governance's catalogue
    MINUTES = "minutes", pgettext_lazy("time unit", "minutes")
    HOURS = "hours", _("hours")
    CALENDAR_DAYS = "calendar_days", _("calendar days")
    WORKING_DAYS = "working_days", _("working days")


class CIIScope(models.TextChoices):
    ANY = "any", _("Any operator")
    CII_ONLY = "cii", _("Only critical information infrastructure")
    NON_CII_ONLY = "non_cii", _("Only outside critical information infrastructure")


class ReportingRuleQuerySet(VisibleQuerySet):
    def active(self):
        return self.filter(is_active=True)


class ReportingRule(TimeStampedModel):
    """One reporting duty: regime × recipient × grade range × CII flag × stage → deadline.

    Rules are versioned: an officer's change writes a new version and retires the old one, so a
    report always points at the exact wording it was computed from."""

    code = models.SlugField(_("code"), max_length=60)
    version = models.PositiveIntegerField(_("version"), default=1)
    is_active = models.BooleanField(_("active"), default=True)
    name = models.CharField(_("name"), max_length=200)
    regime = models.CharField(_("regime"), max_length=10, choices=Regime.choices)
    recipient = models.CharField(_("recipient"), max_length=20, choices=Recipient.choices)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    most_severe_grade = models.CharField(
        _("most severe grade"), max_length=4, choices=Grade.choices, default=Grade.I
    )
    least_severe_grade = models.CharField(
        _("least severe grade"), max_length=4, choices=Grade.choices, default=Grade.IV
    )
    cii_scope = models.CharField(
        _("critical information infrastructure"),
        max_length=10,
        choices=CIIScope.choices,
        default=CIIScope.ANY,
    )
    anchor = models.CharField(_("counted from"), max_length=20, choices=Anchor.choices)
    offset_amount = models.PositiveIntegerField(_("time allowed"))
    offset_unit = models.CharField(_("unit"), max_length=16, choices=OffsetUnit.choices)
    repeat_every_hours = models.PositiveIntegerField(
        _("repeat every (hours)"),
        null=True,
        blank=True,
        help_text=_("Follow-up reports: another one is due this often until service is restored."),
    )
    effective_from = models.DateField(
        _("effective from"),
        null=True,
        blank=True,
        help_text=_("Applies to incidents discovered on or after this date."),
    )
    time_of_day = models.CharField(
        _("time of day"),
        max_length=14,
        choices=TimeOfDay.choices,
        default=TimeOfDay.END_OF_DAY,
        help_text=_(
            "Day-based deadlines only. Working days always end at 23:59:59; calendar days end "
            "at 23:59:59 unless the text counts from the trigger's clock time."
        ),
    )
    applies_when = models.CharField(
        _("applies when"),
        max_length=20,
        choices=AppliesWhen.choices,
        default=AppliesWhen.ALWAYS,
        blank=True,
    )
    basis = models.CharField(
        _("basis"),
        max_length=4,
        choices=Basis.choices,
        default=Basis.TEXT,
        help_text=_("Whether the text requires this report, or the firm chose it."),
    )
    source = models.CharField(_("source"), max_length=300)
    source_status = models.CharField(_("source status"), max_length=1, choices=SourceStatus.choices)
    source_repealed = models.BooleanField(
        _("source repealed"),
        default=False,
        help_text=_("Shown for reference only: a repealed source never sets a deadline."),
    )
    needs_confirmation = models.BooleanField(
        _("to confirm"),
        default=False,
        help_text=_("A default an officer must check against the official text."),
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = ReportingRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("reporting rule")
        verbose_name_plural = _("reporting rules")
        ordering = ["regime", "recipient", "stage", "code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="reporting_rule_code_version"),
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(is_active=True),
                name="reporting_rule_one_active_version",
            ),
        ]

    def __str__(self):
        return f"{self.name} (v{self.version})"

    @classmethod
    def visibility_q(cls, user):
        # Reference data: every signed-in person with a role may read the rules.
        return Q()

    @property
    def is_day_based(self) -> bool:
        return self.offset_unit in (OffsetUnit.CALENDAR_DAYS, OffsetUnit.WORKING_DAYS)

    @property
    def ends_at_end_of_day(self) -> bool:
        """Working days always end at 23:59:59; calendar days as the rule says."""
        if self.offset_unit == OffsetUnit.WORKING_DAYS:
            return True
        return self.offset_unit == OffsetUnit.CALENDAR_DAYS and (
            self.time_of_day == TimeOfDay.END_OF_DAY
        )

    def deadline_expression(self) -> str:
        text = _("%(amount)s %(unit)s after %(anchor)s") % {
            "amount": self.offset_amount,
            "unit": self.get_offset_unit_display(),
            "anchor": self.get_anchor_display(),
        }
        if self.is_day_based:
            if self.ends_at_end_of_day:
                text += str(_(", by the end of the last day"))
            else:
                text += str(_(", at the trigger's clock time"))
        if self.repeat_every_hours:
            text += " " + str(
                _("then every %(hours)s h until service is restored")
                % {"hours": self.repeat_every_hours}
            )
        return text


class ReportTemplate(TimeStampedModel):
    """The officer-editable document layout for a stage (and optionally one recipient).

    The body is a Django template rendered against the frozen snapshot; lines starting with
    "# " / "## " are headings, "| label | value" lines make a two-column table, blank lines
    separate paragraphs. The same text yields the PDF and the DOCX."""

    name = models.CharField(_("name"), max_length=200)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    recipient = models.CharField(
        _("recipient"),
        max_length=20,
        choices=Recipient.choices,
        blank=True,
        help_text=_("Leave empty for a template used for every recipient."),
    )
    title = models.CharField(_("document title"), max_length=300)
    body = models.TextField(_("body"))
    is_active = models.BooleanField(_("active"), default=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("report template")
        verbose_name_plural = _("report templates")
        ordering = ["stage", "recipient", "name"]

    def __str__(self):
        return self.name

    @classmethod
    def visibility_q(cls, user):
        return Q()


class DossierTemplate(TimeStampedModel):
    """The officer-editable layout of the case dossier (reporting.dossier), in the report
    documents' block markup. The newest active record is used; with none, the file template
    `reporting/dossier/case.txt`. Saved only through `dossier_template_save`, which compiles the
    text and renders it against a sample case first (each change is in the audit trail)."""

    name = models.CharField(_("name"), max_length=200)
    body = models.TextField(_("body"))
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("The newest active template lays out every dossier; clear to fall back."),
    )

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier template")
        verbose_name_plural = _("dossier templates")
        ordering = ["-is_active", "-updated_at"]

    def __str__(self):
        return self.name

    @classmethod
    def visibility_q(cls, user):
        return Q()


# Regulators' notices and risk intelligence (a module of their own; they use the names above).
from .notices import RegulatorNotice as RegulatorNotice  # noqa: E402
from .notices import RiskIntelligence as RiskIntelligence  # noqa: E402


class RegulatoryReport(TimeStampedModel):
    """One report owed to one recipient at one stage (情况报告书 / 首报 / 续报 / 总结报告), or the
    feedback owed on a regulator notice. It carries its deadline on the engine."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        SUBMITTED = "submitted", _("Submitted")
        CANCELLED = "cancelled", _("Cancelled")

    incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="regulatory_reports",
        verbose_name=_("incident"),
    )
    notice = models.ForeignKey(
        RegulatorNotice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback_reports",
        verbose_name=_("regulator notice"),
    )
    drill = models.ForeignKey(
        "training.Drill",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="regulatory_reports",
        verbose_name=_("drill"),
    )
    rule = models.ForeignKey(
        ReportingRule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("rule"),
    )
    opened_at = models.DateTimeField(
        _("opened at"),
        null=True,
        blank=True,
        help_text=_("A stage the reporter opens (supplementary report): when it was opened."),
    )
    recipient = models.CharField(_("recipient"), max_length=20, choices=Recipient.choices)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    sequence = models.PositiveIntegerField(_("number"), default=1)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    is_drill = models.BooleanField(_("drill"), default=False)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    calendar_confirmed = models.BooleanField(_("working-day calendar confirmed"), default=True)
    deadline = models.ForeignKey(
        "deadlines.Deadline",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("deadline"),
    )
    title = models.CharField(_("title"), max_length=300)
    content = models.JSONField(_("content"), default=dict, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="authored_reports",
        verbose_name=_("author"),
    )
    contributors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("contributors to the current version"),
    )
    template = models.ForeignKey(
        ReportTemplate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("template"),
    )
    cancelled_reason = models.TextField(_("reason for cancelling"), blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("regulatory report")
        verbose_name_plural = _("regulatory reports")
        ordering = ["due_at", "id"]
        permissions = [("approve_regulatoryreport", _("Can approve regulatory reports"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(incident__isnull=False)
                | Q(notice__isnull=False)
                | Q(drill__isnull=False),
                name="reporting_report_has_subject",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self):
        return self.title

    @classmethod
    def visibility_q(cls, user):
        from incidents.models import Incident

        return (
            Q(author=user)
            | Q(incident__in=Incident.objects.visible_to(user).values("pk"))
            | Q(notice__handler=user)
            | Q(drill__coordinator=user)
        )

    def sees(self, user) -> bool:
        """`visibility_q` for this one report (accounts.policy.can_see)."""
        return (
            self.author_id == user.pk
            or (self.incident is not None and self.incident.sees(user))
            or (self.notice is not None and self.notice.handler_id == user.pk)
        )

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.IN_REVIEW)

    @property
    def due_ends_at_end_of_day(self) -> bool:
        return bool(self.rule is not None and self.rule.ends_at_end_of_day)

    @property
    def due_label(self) -> str:
        """ "by end of 2026-11-01" for a deadline that lets the whole day count, "by 2026-11-01
        10:00" for one that keeps a clock time (Asia/Shanghai)."""
        from django.utils import timezone

        if self.due_at is None:
            return ""
        local = timezone.localtime(self.due_at)
        if self.due_ends_at_end_of_day:
            return str(_("by end of %(date)s") % {"date": local.strftime("%Y-%m-%d")})
        return str(_("by %(datetime)s") % {"datetime": local.strftime("%Y-%m-%d %H:%M")})

    @property
    def current_snapshot(self):
        return self.versions.filter(number=self.version).first()


class ReportVersion(models.Model):
    """An approved, frozen snapshot of a report with its SHA-256 and generated documents."""

    report = models.ForeignKey(
        RegulatoryReport,
        on_delete=models.PROTECT,
        related_name="versions",
        verbose_name=_("report"),
    )
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("snapshot"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"))
    # The layout in force at approval, frozen with the snapshot: the documents are rendered
    # after the approval commits (a Celery task, or on demand) and must not pick up a template
    # an officer edited in between.
    template_title = models.CharField(_("document title template"), max_length=300, blank=True)
    template_body = models.TextField(_("document template"), blank=True)
    # Empty until rendered (see services.version_render_documents).
    pdf = models.FileField(_("PDF"), upload_to="reporting/reports/%Y/", blank=True)
    docx = models.FileField(_("DOCX"), upload_to="reporting/reports/%Y/", blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("approved report version")
        verbose_name_plural = _("approved report versions")
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="reporting_version_unique")
        ]
        indexes = [
            # The sweep's work list: versions whose documents are not rendered yet.
            models.Index(
                fields=["approved_at"],
                condition=Q(pdf="") | Q(docx=""),
                name="reporting_version_undocumented",
            )
        ]

    def __str__(self):
        return f"{self.report} v{self.number}"

    @property
    def documents_ready(self) -> bool:
        return bool(self.pdf and self.docx)

    @classmethod
    def visibility_q(cls, user):
        return Q(report__in=RegulatoryReport.objects.visible_to(user).values("pk"))


class ReportApproval(models.Model):
    """A request for the four-eyes approval of one version, and its decision."""

    class Decision(models.TextChoices):
        PENDING = "pending", pgettext_lazy("approval", "Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Returned for changes")

    report = models.ForeignKey(
        RegulatoryReport,
        on_delete=models.CASCADE,
        related_name="approvals",
        verbose_name=_("report"),
    )
    version_number = models.PositiveIntegerField(_("version"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"))
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
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
    comment = models.TextField(_("comment"), blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("report approval")
        verbose_name_plural = _("report approvals")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["report"],
                condition=Q(decision="pending"),
                name="reporting_one_pending_approval",
            )
        ]

    def __str__(self):
        return f"{self.report} v{self.version_number}: {self.get_decision_display()}"

    @classmethod
    def visibility_q(cls, user):
        return Q(report__in=RegulatoryReport.objects.visible_to(user).values("pk"))


class ReportSubmission(models.Model):
    """How and when an approved version reached the recipient."""

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone")
        EMAIL = "email", _("E-mail")
        REGULATOR_SYSTEM = "system", _("Regulator's system")
        PAPER = "paper", _("Paper")

    report = models.ForeignKey(
        RegulatoryReport,
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name=_("report"),
    )
    version = models.ForeignKey(
        ReportVersion,
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name=_("approved version"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    receipt_number = models.CharField(_("receipt or reference number"), max_length=120, blank=True)
    receipt_file = models.FileField(
        _("receipt file"),
        upload_to="reporting/receipts/%Y/",
        blank=True,
        validators=[UploadValidator(kinds=RECEIPT_KINDS)],
    )
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    on_time = models.BooleanField(_("on time"))
    late_reason = models.TextField(_("reason for lateness"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("report submission")
        verbose_name_plural = _("report submissions")
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(on_time=True) | ~Q(late_reason=""),
                name="reporting_late_needs_reason",
            )
        ]

    def __str__(self):
        return f"{self.report} @ {self.submitted_at:%Y-%m-%d %H:%M}"

    @classmethod
    def visibility_q(cls, user):
        return Q(report__in=RegulatoryReport.objects.visible_to(user).values("pk"))
