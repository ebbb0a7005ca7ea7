"""Writes for training. Keyword-only arguments, one transaction each, full validation; expected (evaluation)."""

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import ApplicationError

from .. import obligations, selectors
from ..models import (
    TrainingEvaluation,
    TrainingPlan,
)
from .common import _require_officer


@transaction.atomic
def evaluation_record(
    *, plan: TrainingPlan, conclusion: str, improvements: str = "", actor
) -> TrainingEvaluation:
    _require_officer(actor)
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
