"""Training (standard §6 培训) and emergency drills (standard §5 应急演练).

A year's `TrainingPlan` groups `Course`s; each course has an audience (job roles, departments,
individuals, or everyone) and every person in it gets one `TrainingAssignment` (unique per
course and person). A course may carry a question bank (`Question`/`Choice`); each
`QuizAttempt` stores the questions it drew and the answers given. `TrainingFeedback` is the
trainee survey; `TrainingEvaluation` is the officer's recorded evaluation of results.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.policy import VisibleQuerySet
from accounts.roles import user_roles
from core.models import TimeStampedModel
from core.uploads import UploadValidator
from incidents.models import Grade, IncidentCategory

# Course materials: documents, slides, spreadsheets, images and text (type by content).
MATERIAL_KINDS = ("docx", "gif", "jpeg", "pdf", "png", "pptx", "text", "xlsx")


class Topic(models.TextChoices):
    """The five contents the standard (§6 培训) requires every annual plan to cover."""

    LAWS_AND_RULES = (
        "laws_rules",
        _("Laws, regulations, standards, internal rules and code of conduct"),
    )
    ROLE_DUTIES = "role_duties", _("Each role's data-security duties")
    CONSEQUENCES = "consequences", _("Consequences of failing those duties")
    PROTECTIVE_MEASURES = (
        "protective_measures",
        _("Protective measures and operating procedures"),
    )
    INCIDENT_HANDLING = "incident_handling", _("Incident-handling procedures")


class TrainingPlan(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
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

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("annual training plan")
        verbose_name_plural = _("annual training plans")
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year} · {self.title}"

    @classmethod
    def visibility_q(cls, user):
        # Everyone who holds a role may read the plan that trains them; only approved plans
        # are shown to staff; an account without a role sees none.
        return Q(status=cls.Status.APPROVED) if user_roles(user) else Q(pk__in=[])


class Course(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    plan = models.ForeignKey(
        TrainingPlan,
        on_delete=models.CASCADE,
        related_name="courses",
        verbose_name=pgettext_lazy("training", "plan"),
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(pgettext_lazy("course", "summary"), blank=True)
    topics = models.JSONField(
        _("topics covered"),
        default=list,
        blank=True,
        help_text=_("Which of the standard's five required topics this course covers."),
    )
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), default=60)
    due_date = models.DateField(_("due date"))
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=80, help_text=_("Score in percent needed to pass the quiz.")
    )
    questions_per_attempt = models.PositiveSmallIntegerField(
        _("questions per attempt"),
        default=0,
        help_text=_("Questions drawn at random for each attempt; 0 means all of them."),
    )
    max_attempts = models.PositiveSmallIntegerField(_("attempt limit"), default=3)
    newcomer_days = models.PositiveSmallIntegerField(
        _("days for late joiners"),
        default=14,
        help_text=_("Someone who joins after the due date gets this many days from joining."),
    )
    acknowledgement_text = models.TextField(
        _("policy acknowledgement"),
        blank=True,
        help_text=_(
            "If set, each trainee must confirm this statement (e.g. that they read and will "
            "follow a policy) to complete the course."
        ),
    )
    audience_all = models.BooleanField(_("all staff"), default=False)
    audience_roles = models.ManyToManyField(
        "accounts.JobRole", blank=True, related_name="+", verbose_name=_("job roles")
    )
    audience_departments = models.ManyToManyField(
        "accounts.Department", blank=True, related_name="+", verbose_name=_("departments")
    )
    audience_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("individuals")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    generation_task_id = models.CharField(_("generation task"), max_length=50, blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["due_date", "title"]

    def __str__(self):
        return self.title

    @classmethod
    def visibility_q(cls, user):
        # Staff see the courses they are assigned to.
        return Q(assignments__user=user)

    def topic_labels(self):
        return [Topic(t).label for t in self.topics if t in Topic.values]


class CourseMaterial(TimeStampedModel):
    class Kind(models.TextChoices):
        FILE = "file", _("Uploaded file")
        LINK = "link", _("Link")
        TEXT = "text", _("Text")

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="materials", verbose_name=_("course")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("file"),
        upload_to="training/materials/%Y/",
        blank=True,
        validators=[UploadValidator(kinds=MATERIAL_KINDS)],
    )
    url = models.URLField(_("link"), blank=True)
    body = models.TextField(_("text"), blank=True, help_text=_("Rich text; sanitised on save."))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("course material")
        verbose_name_plural = _("course materials")
        ordering = ["course", "position", "id"]

    def __str__(self):
        return self.title


class Question(TimeStampedModel):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="questions", verbose_name=_("course")
    )
    text = models.TextField(_("question"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SINGLE)
    explanation = models.TextField(_("explanation"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["course", "position", "id"]

    def __str__(self):
        return self.text[:60]


class Choice(models.Model):
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="choices", verbose_name=_("question")
    )
    text = models.CharField(_("answer"), max_length=300)
    is_correct = models.BooleanField(_("correct"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("answer choice")
        verbose_name_plural = _("answer choices")
        ordering = ["question", "position", "id"]

    def __str__(self):
        return self.text


class TrainingAssignment(TimeStampedModel):
    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        FAILED = "failed", _("Failed (no attempts left)")

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("course")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="training_assignments",
        verbose_name=_("trainee"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ASSIGNED
    )
    due_date = models.DateField(_("due date"))
    materials_read_at = models.DateTimeField(_("materials read at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    best_score = models.PositiveSmallIntegerField(_("best score (%)"), null=True, blank=True)
    attempts_used = models.PositiveSmallIntegerField(_("attempts used"), default=0)
    reminders_scheduled = models.BooleanField(
        _("reminders scheduled"),
        default=False,
        help_text=_("Whether the due-date reminder is on the deadline engine."),
    )

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("training assignment")
        verbose_name_plural = _("training assignments")
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["course", "user"], name="training_assignment_once")
        ]
        indexes = [
            models.Index(
                fields=["course"],
                condition=Q(reminders_scheduled=False),
                name="training_asg_unscheduled",
            )
        ]

    def __str__(self):
        return f"{self.course} · {self.user}"

    @classmethod
    def visibility_q(cls, user):
        # Staff see only their own assignments.
        return Q(user=user)

    @property
    def is_done(self):
        return self.status == self.Status.COMPLETED

    @property
    def is_overdue(self):
        return self.status not in (self.Status.COMPLETED,) and self.due_date < timezone.localdate()

    @property
    def attempts_left(self):
        return max(self.course.max_attempts - self.attempts_used, 0)

    @property
    def certificate_number(self):
        return f"TRN-{self.course.plan.year}-{self.course_id:04d}-{self.pk:06d}"


class MaterialRead(models.Model):
    assignment = models.ForeignKey(
        TrainingAssignment,
        on_delete=models.CASCADE,
        related_name="reads",
        verbose_name=_("assignment"),
    )
    material = models.ForeignKey(
        CourseMaterial, on_delete=models.CASCADE, related_name="+", verbose_name=_("material")
    )
    read_at = models.DateTimeField(_("read at"), default=timezone.now)

    class Meta:
        verbose_name = _("material read")
        verbose_name_plural = _("materials read")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "material"], name="training_read_once")
        ]

    def __str__(self):
        return f"{self.assignment} · {self.material}"


class QuizAttempt(models.Model):
    """One attempt at a course's quiz. The questions it drew are its `AttemptAnswer` rows."""

    assignment = models.ForeignKey(
        TrainingAssignment,
        on_delete=models.CASCADE,
        related_name="attempts",
        verbose_name=_("assignment"),
    )
    number = models.PositiveSmallIntegerField(_("attempt number"))
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("score (%)"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["assignment", "number"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "number"], name="training_attempt_once")
        ]

    def __str__(self):
        return f"{self.assignment} #{self.number}"

    @classmethod
    def visibility_q(cls, user):
        return Q(assignment__user=user)


class AttemptAnswer(models.Model):
    """A question drawn for an attempt, and (once submitted) what was chosen and whether it
    was right. Per-question difficulty is an aggregate over these rows."""

    attempt = models.ForeignKey(
        QuizAttempt, on_delete=models.CASCADE, related_name="answers", verbose_name=_("attempt")
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="answers", verbose_name=_("question")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    selected = models.JSONField(_("selected choices"), default=list, blank=True)
    correct = models.BooleanField(_("correct"), null=True, blank=True)

    class Meta:
        verbose_name = _("attempt answer")
        verbose_name_plural = _("attempt answers")
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="training_answer_once")
        ]

    def __str__(self):
        return f"{self.attempt} · {self.question_id}"


class TrainingFeedback(TimeStampedModel):
    """The trainee survey: how useful the course was (1–5) and free comments."""

    assignment = models.OneToOneField(
        TrainingAssignment,
        on_delete=models.CASCADE,
        related_name="feedback",
        verbose_name=_("assignment"),
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), choices=[(i, str(i)) for i in range(1, 6)]
    )
    comments = models.TextField(pgettext_lazy("feedback", "comments"), blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("training feedback")
        verbose_name_plural = _("training feedback")

    def __str__(self):
        return f"{self.assignment} · {self.rating}"

    @classmethod
    def visibility_q(cls, user):
        return Q(assignment__user=user)


class TrainingEvaluation(TimeStampedModel):
    """An officer's recorded evaluation of a plan's results (评价培训结果), with the figures
    it was based on frozen at that moment."""

    plan = models.ForeignKey(
        TrainingPlan,
        on_delete=models.CASCADE,
        related_name="evaluations",
        verbose_name=pgettext_lazy("training", "plan"),
    )
    conclusion = models.TextField(_("conclusion"))
    improvements = models.TextField(_("improvements for next year"), blank=True)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("evaluated by"),
    )

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("training evaluation")
        verbose_name_plural = _("training evaluations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.plan} · {self.created_at:%Y-%m-%d}"


# --- emergency drills (standard §5 应急演练) ----------------------------------------------


class Drill(TimeStampedModel):
    """An emergency drill: planned with objectives and people, run as a drill-flagged incident
    so the team practises the real flow without touching real statistics or submissions."""

    class Type(models.TextChoices):
        TABLETOP = "tabletop", _("Tabletop")
        FUNCTIONAL = "functional", _("Functional")
        FULL_SCALE = "full_scale", _("Full-scale")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    scenario = models.TextField(_("scenario"))
    drill_type = models.CharField(_("type"), max_length=12, choices=Type.choices)
    incident_category = models.CharField(
        _("incident category"), max_length=30, choices=IncidentCategory.choices
    )
    incident_grade = models.CharField(_("incident grade"), max_length=3, choices=Grade.choices)
    scheduled_at = models.DateTimeField(_("scheduled for"))
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="coordinated_drills",
        verbose_name=_("coordinator"),
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="drills_participated",
        verbose_name=_("participants"),
    )
    observers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="drills_observed",
        verbose_name=_("observers"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    incident = models.OneToOneField(
        "incidents.Incident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="drill",
        verbose_name=_("drill incident"),
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    summary = models.TextField(pgettext_lazy("course", "summary"), blank=True)
    lessons = models.TextField(_("lessons learned"), blank=True)
    plan_version = models.ForeignKey(
        "incidents.EmergencyPlanVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="drills",
        verbose_name=_("emergency plan version exercised"),
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
        verbose_name = _("emergency drill")
        verbose_name_plural = _("emergency drills")
        ordering = ["-scheduled_at"]
        indexes = [models.Index(fields=["status", "completed_at"], name="training_drill_done")]

    def __str__(self):
        return f"{self.year} · {self.title}"

    @classmethod
    def visibility_q(cls, user):
        # The coordinator, participants and observers see their drill.
        through_p = Drill.participants.through.objects.filter(user=user).values("drill_id")
        through_o = Drill.observers.through.objects.filter(user=user).values("drill_id")
        return Q(coordinator=user) | Q(pk__in=through_p) | Q(pk__in=through_o)


class DrillObjective(models.Model):
    class Result(models.TextChoices):
        NOT_ASSESSED = "not_assessed", _("Not assessed")
        MET = "met", _("Met")
        PARTIALLY_MET = "partial", _("Partially met")
        NOT_MET = "not_met", _("Not met")

    drill = models.ForeignKey(
        Drill, on_delete=models.CASCADE, related_name="objectives", verbose_name=_("drill")
    )
    description = models.CharField(_("objective"), max_length=300)
    success_criteria = models.TextField(_("success criteria"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    result = models.CharField(
        _("result"), max_length=12, choices=Result.choices, default=Result.NOT_ASSESSED
    )
    result_notes = models.TextField(_("observations"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assessed by"),
    )
    assessed_at = models.DateTimeField(_("assessed at"), null=True, blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("drill objective")
        verbose_name_plural = _("drill objectives")
        ordering = ["drill", "position", "id"]

    def __str__(self):
        return self.description

    @classmethod
    def visibility_q(cls, user):
        return Q(drill__in=Drill.objects.filter(Drill.visibility_q(user)))


class DrillFinding(TimeStampedModel):
    """Something the drill showed must improve; it becomes a rectification item (the same model
    incidents use) on the drill's incident, linked back here as its origin."""

    drill = models.ForeignKey(
        Drill, on_delete=models.CASCADE, related_name="findings", verbose_name=_("drill")
    )
    objective = models.ForeignKey(
        DrillObjective,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("objective"),
    )
    description = models.TextField(_("finding"))
    plan_change = models.OneToOneField(
        "incidents.PlanChange",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="drill_finding",
        verbose_name=_("proposed plan change"),
    )
    rectification = models.OneToOneField(
        "incidents.RectificationItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rectification item"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("drill finding")
        verbose_name_plural = _("drill findings")
        ordering = ["drill", "id"]

    def __str__(self):
        return self.description[:60]

    @classmethod
    def visibility_q(cls, user):
        return Q(drill__in=Drill.objects.filter(Drill.visibility_q(user)))


# Awareness campaigns (standard §6 宣传, O12) live in their own module; imported here so Django
# finds the models.
from .campaigns import AwarenessCampaign, CampaignChannel, CampaignReceipt  # noqa: E402,F401
