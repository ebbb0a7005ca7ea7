"""Incident cases (the standard's §5 emergency response): grading criteria, incidents, the work on (grading)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel

from .common import Grade, SourceStatus, SystemCategory


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
        SYSTEM_CLASS = "system_class", _("CSRC information-system class (1–5; 5 = 五类)")
        ABNORMALITY_PERCENT = "abnormality_percent", _("Service-capability abnormality (%)")
        ABNORMALITY_MINUTES = (
            "abnormality_minutes",
            _("Duration of the service-capability abnormality (minutes)"),
        )

    class Operator(models.TextChoices):
        GTE = "gte", "≥"
        GT = "gt", ">"
        EQ = "eq", "="
        LTE = "lte", "≤"
        LT = "lt", "<"

    NUMERIC_FACTS = {
        Fact.PERSONS_LEAKED,
        Fact.RECORDS_LEAKED,
        Fact.DATA_LEVEL,
        Fact.PFI_CLASS,
        Fact.OUTAGE_MINUTES,
        Fact.MAIN_FUNCTION_OUTAGE_MINUTES,
        Fact.ECONOMIC_LOSS,
        Fact.SYSTEM_CLASS,
        Fact.ABNORMALITY_PERCENT,
        Fact.ABNORMALITY_MINUTES,
    }
    OUTAGE_FACTS = {Fact.OUTAGE_MINUTES, Fact.MAIN_FUNCTION_OUTAGE_MINUTES}
    # Facts of one affected system: combined conditions must hold on the same system.
    SYSTEM_FACTS = OUTAGE_FACTS | {
        Fact.SYSTEM_CLASS,
        Fact.ABNORMALITY_PERCENT,
        Fact.ABNORMALITY_MINUTES,
    }

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
    conditions = models.JSONField(
        _("further conditions"),
        default=list,
        blank=True,
        help_text=_(
            'All must hold too, e.g. [{"fact": "system_class", "operator": "eq", "threshold": 5}, '
            '{"fact": "abnormality_percent", "operator": "gte", "threshold": 30}]. Conditions '
            "on systems must hold on one and the same affected system."
        ),
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("An inactive criterion never proposes a grade (e.g. a template to fill in)."),
    )
    source_repealed = models.BooleanField(
        _("source repealed"),
        default=False,
        help_text=_("Shown for reference only: a repealed source never proposes a grade."),
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

    @property
    def drives_proposals(self) -> bool:
        return self.is_active and not self.source_repealed

    def clean(self):
        errors: dict[str, str | Promise] = {}
        for i, cond in enumerate(self.conditions or []):
            if (
                not isinstance(cond, dict)
                or cond.get("fact") not in self.NUMERIC_FACTS
                or cond.get("operator") not in self.Operator.values
            ):
                errors["conditions"] = _(
                    "Condition %(n)d needs a numeric fact, an operator (gte, gt, eq, lte, lt) "
                    "and a threshold."
                ) % {"n": i + 1}
                break
            if self.is_active and cond.get("threshold") in (None, ""):
                errors["conditions"] = _("Fill in every threshold before activating.")
        if self.is_active and self.is_numeric and self.threshold is None:
            errors["threshold"] = _("Fill in the threshold before activating.")
        if errors:
            raise ValidationError(errors)

    def snapshot(self) -> dict:
        return {
            "id": self.pk,
            "code": self.code,
            "grade": self.grade,
            "fact": self.fact,
            "operator": self.operator,
            "threshold": str(self.threshold) if self.threshold is not None else None,
            "conditions": self.conditions or [],
            "description": self.description,
            "source": self.source,
            "source_status": self.source_status,
        }
