"""Writes for training. Keyword-only arguments, one transaction each, full validation; expected (plans)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from core.errors import ApplicationError

from .. import obligations, selectors
from ..models import (
    Topic,
    TrainingPlan,
)


@transaction.atomic
def plan_create(*, year: int, title: str, description: str = "", actor=None) -> TrainingPlan:
    policy.require(actor, "training.plan.create")
    if not 2000 <= int(year) <= 2100:
        raise ApplicationError(_("Enter a year between 2000 and 2100."))
    if TrainingPlan.objects.filter(year=year).exists():
        raise ApplicationError(_("There is already a training plan for %(year)s.") % {"year": year})
    if not (title or "").strip():
        raise ApplicationError(_("Give the plan a title."))
    return TrainingPlan.objects.create(
        year=year, title=title.strip(), description=description, created_by=actor
    )


@transaction.atomic
def plan_approve(*, plan: TrainingPlan, actor) -> TrainingPlan:
    """The compliance head approves the plan; refused unless it covers the five topics the
    standard requires and every job role."""
    policy.require(actor, "training.plan.approve", plan)
    plan = TrainingPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status == TrainingPlan.Status.APPROVED:
        raise ApplicationError(_("This plan is already approved."))
    coverage = selectors.plan_coverage(plan=plan)
    problems = []
    if coverage["missing_topics"]:
        problems.append(
            _("topics not covered: %(topics)s")
            % {"topics": "; ".join(str(Topic(t).label) for t in coverage["missing_topics"])}
        )
    if coverage["missing_roles"]:
        problems.append(
            _("job roles with no course: %(roles)s")
            % {"roles": "; ".join(r.name for r in coverage["missing_roles"])}
        )
    if problems:
        raise ApplicationError(
            _("The plan cannot be approved yet — %(problems)s.")
            % {"problems": " / ".join(problems)},
            extra={
                "missing_topics": coverage["missing_topics"],
                "missing_roles": [r.code for r in coverage["missing_roles"]],
            },
        )
    plan.status = TrainingPlan.Status.APPROVED
    plan.approved_by = actor
    plan.approved_at = timezone.now()
    plan.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    obligations.refresh_on_commit()
    return plan
