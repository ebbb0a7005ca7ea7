"""Incident cases (the standard's §5 emergency response): grading criteria, incidents, the work on
a case (timeline, tasks, comments, evidence, chain of custody), rectification and staff concerns.

Team: an incident's *team* is an accounts.Department (`Incident.team`). A handler sees the
incidents assigned to them, created by them, and those of their own department. Officers,
auditors and administrators see everything (accounts.policy)."""

from .cases import (
    EVIDENCE_KINDS,
    AffectedSystem,
    Comment,
    GradeDecision,
    Incident,
    IncidentQuerySet,
    IncidentTask,
    ReferenceCounter,
    TimelineEntry,
)
from .common import (
    GRADE_SEVERITY,
    Grade,
    IncidentCategory,
    SourceStatus,
    SystemCategory,
    _handler_q,
    _handler_sees,
)
from .concerns import (
    Concern,
    ConcernMessage,
    is_compliance_head,
)
from .emergency_plans import (
    EmergencyPlan,
    EmergencyPlanVersion,
    PlanChange,
    PlanScenario,
)
from .evidence import (
    CustodyEntry,
    Evidence,
    evidence_upload_to,
)
from .grading import (
    GradingCriterion,
    GradingCriterionSet,
)
from .plans import (
    ResponsePlan,
    ResponsePlanStep,
)
from .rectification import (
    RectificationItem,
)
from .tags import IncidentTag, Tag

__all__ = [
    "GRADE_SEVERITY",
    "Grade",
    "IncidentCategory",
    "SourceStatus",
    "SystemCategory",
    "_handler_q",
    "_handler_sees",
    "GradingCriterion",
    "GradingCriterionSet",
    "ResponsePlan",
    "ResponsePlanStep",
    "AffectedSystem",
    "Comment",
    "EVIDENCE_KINDS",
    "GradeDecision",
    "Incident",
    "IncidentQuerySet",
    "IncidentTask",
    "ReferenceCounter",
    "TimelineEntry",
    "CustodyEntry",
    "Evidence",
    "evidence_upload_to",
    "RectificationItem",
    "Concern",
    "IncidentTag",
    "Tag",
    "ConcernMessage",
    "is_compliance_head",
    "EmergencyPlan",
    "EmergencyPlanVersion",
    "PlanChange",
    "PlanScenario",
]
