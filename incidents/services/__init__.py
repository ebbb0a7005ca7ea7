"""Writes. Keyword-only arguments, one transaction each, full validation; expected failures
raise core.errors.ApplicationError with a message a user can read.

Locking policy: every service that changes a case's state locks the incident row first
(`_lock`), so two handlers acting at once serialise; reference numbers lock the per-year
`ReferenceCounter` row (see `_next_number`)."""

from .cases import (
    _apply_plan,
    _open_partner_investigation,
    close_blockers,
    close_refusals,
    incident_close,
    incident_create,
    incident_grade,
    incident_resolve,
    incident_start_handling,
    incident_summarise,
    incident_update,
)
from .common import (
    DEFAULT_EVIDENCE_EXTENSIONS,
    DEFAULT_EVIDENCE_MAX_BYTES,
    EDITABLE_FIELDS,
    FACT_FIELDS,
    TRANSITIONS,
    S,
    _check_transition,
    _lock,
    _next_number,
    _partner_agreement,
    _replace_systems,
    _timeline,
    _validate_facts,
    _validate_partner,
    _validate_times,
    select_response_plan,
)
from .concerns import (
    _lock_concern,
    concern_close,
    concern_promote,
    concern_submit,
)
from .evidence import (
    EvidenceTampered,
    _sha256_of,
    custody_add,
    evidence_add,
    evidence_limits,
    evidence_open,
)
from .rectification import (
    rectification_complete,
    rectification_create,
    rectification_verify,
)
from .reporting_facts import (
    incident_establish_cause,
    incident_flag_suspected_crime,
    incident_service_restore,
    incident_set_cause_unknown,
)
from .work import (
    comment_add,
    task_create,
    task_set_state,
    task_update,
    timeline_add,
)

__all__ = [
    "DEFAULT_EVIDENCE_EXTENSIONS",
    "DEFAULT_EVIDENCE_MAX_BYTES",
    "EDITABLE_FIELDS",
    "FACT_FIELDS",
    "S",
    "TRANSITIONS",
    "_check_transition",
    "_lock",
    "_next_number",
    "_replace_systems",
    "_timeline",
    "_validate_facts",
    "_partner_agreement",
    "_validate_partner",
    "_validate_times",
    "select_response_plan",
    "_apply_plan",
    "_open_partner_investigation",
    "close_blockers",
    "close_refusals",
    "incident_close",
    "incident_create",
    "incident_grade",
    "incident_resolve",
    "incident_start_handling",
    "incident_summarise",
    "incident_update",
    "comment_add",
    "task_create",
    "task_set_state",
    "task_update",
    "timeline_add",
    "EvidenceTampered",
    "_sha256_of",
    "custody_add",
    "evidence_add",
    "evidence_limits",
    "evidence_open",
    "rectification_complete",
    "rectification_create",
    "rectification_verify",
    "_lock_concern",
    "concern_close",
    "concern_promote",
    "concern_submit",
    "incident_establish_cause",
    "incident_flag_suspected_crime",
    "incident_service_restore",
    "incident_set_cause_unknown",
]
