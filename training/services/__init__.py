"""Writes for training. Keyword-only arguments, one transaction each, full validation; expected
failures raise ApplicationError with a message the user can read."""

from .assignments import (
    _assignment_due,
    _assignment_for_update,
    _insert_assignments,
    _maybe_complete,
    _touch,
    assignment_acknowledge,
    assignment_grant_attempts,
    assignment_mark_read,
    assignments_generate,
    assignments_sync_all,
    feedback_submit,
    quiz_start,
    quiz_submit,
)
from .campaigns import campaign_acknowledge, campaign_create, campaign_launch
from .common import (
    BATCH_SIZE,
)
from .courses import (
    _validate_course_fields,
    assignments_generate_enqueue,
    course_create,
    course_publish,
    material_add,
    question_add,
)
from .drills import (
    _drill_for_update,
    drill_add_finding,
    drill_assess_objective,
    drill_cancel,
    drill_complete,
    drill_plan,
    drill_reschedule,
    drill_start,
)
from .evaluation import (
    evaluation_record,
)
from .plans import (
    plan_approve,
    plan_create,
)

__all__ = [
    "campaign_acknowledge",
    "campaign_create",
    "campaign_launch",
    "BATCH_SIZE",
    "plan_approve",
    "plan_create",
    "_validate_course_fields",
    "assignments_generate_enqueue",
    "course_create",
    "course_publish",
    "material_add",
    "question_add",
    "_assignment_due",
    "_assignment_for_update",
    "_insert_assignments",
    "_maybe_complete",
    "_touch",
    "assignment_acknowledge",
    "assignment_grant_attempts",
    "assignment_mark_read",
    "assignments_generate",
    "assignments_sync_all",
    "feedback_submit",
    "quiz_start",
    "quiz_submit",
    "evaluation_record",
    "_drill_for_update",
    "drill_add_finding",
    "drill_assess_objective",
    "drill_cancel",
    "drill_complete",
    "drill_plan",
    "drill_reschedule",
    "drill_start",
]
