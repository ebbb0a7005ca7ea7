"""Evidence for the obligations calendar (governance): training plans, training evaluation and
the annual drill. Registered with governance's registry; governance never imports training."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.obligations import Evidence, register_evidence_rule

PLAN_RULE = "training.plan"
COMPLETION_RULE = "training.completion"
DRILL_RULE = "drill.annual"


def _aware_range(first: dt.date, last: dt.date):
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min))
    return start, end


def approved_plans(first: dt.date, last: dt.date) -> list[Evidence]:
    """The approved training plan for the period's year (approved in that year or before)."""
    from .models import TrainingPlan

    plans = TrainingPlan.objects.filter(
        status=TrainingPlan.Status.APPROVED, year__gte=first.year, year__lte=last.year
    ).order_by("year")
    return [
        Evidence(
            label=_("Training plan %(year)s approved") % {"year": p.year},
            url=reverse("training:plan", args=[p.pk]),
            on=timezone.localtime(p.approved_at).date(),
        )
        for p in plans
    ]


def evaluated_plans(first: dt.date, last: dt.date) -> list[Evidence]:
    """The year's trainings were run and their results evaluated (a recorded evaluation)."""
    from .models import TrainingEvaluation

    start, end = _aware_range(first, last)
    evaluations = TrainingEvaluation.objects.filter(
        plan__year__gte=first.year, created_at__gte=start, created_at__lt=end
    ).select_related("plan")
    return [
        Evidence(
            label=_("Training results %(year)s evaluated") % {"year": e.plan.year},
            url=reverse("training:plan", args=[e.plan_id]),
            on=timezone.localtime(e.created_at).date(),
        )
        for e in evaluations
    ]


def completed_drills(first: dt.date, last: dt.date) -> list[Evidence]:
    from .models import Drill

    start, end = _aware_range(first, last)
    drills = Drill.objects.filter(
        status=Drill.Status.COMPLETED, completed_at__gte=start, completed_at__lt=end
    ).order_by("completed_at")
    return [
        Evidence(
            label=_("Emergency drill: %(title)s") % {"title": d.title},
            url=reverse("training:drill", args=[d.pk]),
            on=timezone.localtime(d.completed_at).date(),
        )
        for d in drills
    ]


register_evidence_rule(PLAN_RULE, approved_plans)
register_evidence_rule(COMPLETION_RULE, evaluated_plans)
register_evidence_rule(DRILL_RULE, completed_drills)


def refresh_on_commit() -> None:
    """New evidence (a plan approved, an evaluation recorded, a drill completed): have the
    calendar re-evaluate once this transaction commits instead of at its next periodic run."""
    from django.db import transaction

    from governance import services as governance_services

    transaction.on_commit(governance_services.obligations_evaluate)
