"""Writes for training. Keyword-only arguments, one transaction each, full validation; expected (evaluation)."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts import policy
from core.errors import ApplicationError

from .. import obligations, selectors
from ..models import (
    TrainingEvaluation,
    TrainingPlan,
)


@transaction.atomic
def evaluation_record(
    *, plan: TrainingPlan, conclusion: str, improvements: str = "", actor
) -> TrainingEvaluation:
    policy.require(actor, "training.evaluation.record", plan)
    if not (conclusion or "").strip():
        raise ApplicationError(_("Write the conclusion of the evaluation."))
    figures = selectors.plan_figures(plan=plan)
    evaluation = TrainingEvaluation.objects.create(
        plan=plan,
        conclusion=conclusion.strip(),
        improvements=improvements.strip(),
        figures=figures,
        evaluated_by=actor,
    )
    obligations.refresh_on_commit()
    return evaluation
