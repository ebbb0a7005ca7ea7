"""Writes of the reporting app. Keyword-only arguments, one transaction each, full validation; (rules)."""

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from accounts import policy
from core.errors import ApplicationError

from ..models import (
    ReportingRule,
    Stage,
)

RULE_FIELDS = (
    "name",
    "regime",
    "recipient",
    "stage",
    "most_severe_grade",
    "least_severe_grade",
    "cii_scope",
    "anchor",
    "offset_amount",
    "offset_unit",
    "repeat_every_hours",
    "effective_from",
    "time_of_day",
    "applies_when",
    "basis",
    "source",
    "source_status",
    "source_repealed",
    "needs_confirmation",
    "note",
)


def validate_rule(rule: ReportingRule):
    from ..models import GRADE_RANK, Anchor, AppliesWhen, OffsetUnit, TimeOfDay

    if GRADE_RANK[rule.most_severe_grade] > GRADE_RANK[rule.least_severe_grade]:
        raise ApplicationError(
            _("The most severe grade must be at least as severe as the least severe grade.")
        )
    if rule.repeat_every_hours and rule.stage != Stage.FOLLOW_UP:
        raise ApplicationError(_("Only follow-up reports repeat."))
    if rule.stage == Stage.FOLLOW_UP and not rule.repeat_every_hours:
        raise ApplicationError(_("A follow-up rule needs its repeat interval."))
    if rule.anchor == Anchor.RESOLVED and rule.stage not in (Stage.FINAL, Stage.PRELIMINARY):
        raise ApplicationError(
            _("Only final summary reports are counted from the end of handling.")
        )
    if (rule.anchor == Anchor.OPENED) != (rule.applies_when == AppliesWhen.OPENED):
        raise ApplicationError(
            _("A stage the reporter opens is counted from its opening, and only such a stage.")
        )
    if (rule.anchor == Anchor.DRILL_COMPLETED) != (rule.applies_when == AppliesWhen.DRILL):
        raise ApplicationError(_("A drill report is counted from the end of the drill."))
    if rule.anchor == Anchor.CRIME_SUSPECTED and rule.applies_when != AppliesWhen.SUSPECTED_CRIME:
        raise ApplicationError(
            _("Only a rule for suspected crimes is counted from the suspected-crime flag.")
        )
    if rule.offset_unit == OffsetUnit.WORKING_DAYS and rule.time_of_day != TimeOfDay.END_OF_DAY:
        raise ApplicationError(_("A deadline in working days ends at 23:59:59 of the last day."))
    if rule.offset_unit == OffsetUnit.WORKING_DAYS and rule.offset_amount == 0:
        raise ApplicationError(_("Zero working days is not a deadline; use hours instead."))
    if rule.stage == Stage.FEEDBACK:
        raise ApplicationError(_("Feedback deadlines are set per notice, not by a rule."))
    rule.full_clean(exclude=["code", "version", "created_by"], validate_constraints=False)


def rule_create(*, code: str, actor, **fields) -> ReportingRule:
    policy.require(actor, "reporting.rule.change")
    unknown = set(fields) - set(RULE_FIELDS)
    if unknown:
        raise ApplicationError(_("Unknown rule fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    with transaction.atomic():
        if ReportingRule.objects.filter(code=code).exists():
            raise ApplicationError(_("A rule with this code exists; revise it instead."))
        rule = ReportingRule(
            code=code, version=1, is_active=True, created_by=policy.person(actor), **fields
        )
        validate_rule(rule)
        rule.save()
    return rule


def rule_revise(*, rule: ReportingRule, actor, **changes) -> ReportingRule:
    """A new version of `rule` with `changes`; the old version is kept, inactive. Open reports
    computed from the old version are re-timed by the next incident sync."""
    policy.require(actor, "reporting.rule.change", rule)
    unknown = set(changes) - set(RULE_FIELDS)
    if unknown:
        raise ApplicationError(_("Unknown rule fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    with transaction.atomic():
        current = ReportingRule.objects.select_for_update().get(pk=rule.pk)
        if not current.is_active:
            raise ApplicationError(_("Only the active version of a rule can be revised."))
        values = {f: getattr(current, f) for f in RULE_FIELDS}
        values.update(changes)
        last = ReportingRule.objects.filter(code=current.code).aggregate(m=Max("version"))["m"]
        new = ReportingRule(
            code=current.code,
            version=last + 1,
            is_active=True,
            created_by=policy.person(actor),
            **values,
        )
        validate_rule(new)
        current.is_active = False
        current.save(update_fields=["is_active", "updated_at"])
        new.save()
    return new


def rule_deactivate(*, rule: ReportingRule, actor) -> ReportingRule:
    policy.require(actor, "reporting.rule.change", rule)
    with transaction.atomic():
        rule = ReportingRule.objects.select_for_update().get(pk=rule.pk)
        rule.is_active = False
        rule.save(update_fields=["is_active", "updated_at"])
    return rule
