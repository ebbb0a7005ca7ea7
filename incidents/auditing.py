from audit.registry import audit_register

from . import models

for _model in (
    models.GradingCriterionSet,
    models.GradingCriterion,
    models.ResponsePlan,
    models.ResponsePlanStep,
    models.ReferenceCounter,
    models.Incident,
    models.AffectedSystem,
    models.GradeDecision,
    models.TimelineEntry,
    models.IncidentTask,
    models.Comment,
    models.Evidence,
    models.CustodyEntry,
    models.RectificationItem,
    models.Concern,
):
    audit_register(_model)
