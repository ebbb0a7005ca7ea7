"""Writes of the reporting app. Keyword-only arguments, one transaction each, full validation;
expected failures raise ApplicationError with a message a user can read."""

from .common import (
    DEADLINE_KINDS,
    _pending_states,
    _report_title,
    _report_url,
    logger,
)
from .drafting import (
    _check_approver,
    _notify_approvers,
    _pending_approval,
    documents_enqueue,
    documents_render_missing,
    report_approve,
    report_new_version,
    report_reject,
    report_request_approval,
    report_update,
    template_for,
    version_render_documents,
)
from .notices import (
    _intelligence_facts,
    intelligence_close,
    intelligence_create,
    intelligence_default_category,
    intelligence_promote,
    intelligence_triage_to_incident,
    notice_create,
    notice_update,
)
from .obligations import (
    _attach_deadline,
    _cancel,
    _create_report,
    _retime,
    follow_up_next,
    incident_resolved,
    obligations_sync,
    report_cancel,
)
from .rules import (
    RULE_FIELDS,
    rule_create,
    rule_deactivate,
    rule_revise,
    validate_rule,
)
from .submissions import (
    submission_record,
)
from .templates import (
    template_save,
)

__all__ = [
    "DEADLINE_KINDS",
    "_pending_states",
    "_report_title",
    "_report_url",
    "logger",
    "RULE_FIELDS",
    "rule_create",
    "rule_deactivate",
    "rule_revise",
    "validate_rule",
    "_attach_deadline",
    "_cancel",
    "_create_report",
    "_retime",
    "follow_up_next",
    "incident_resolved",
    "obligations_sync",
    "report_cancel",
    "_check_approver",
    "_notify_approvers",
    "_pending_approval",
    "documents_enqueue",
    "documents_render_missing",
    "report_approve",
    "report_new_version",
    "report_reject",
    "report_request_approval",
    "report_update",
    "template_for",
    "version_render_documents",
    "submission_record",
    "_intelligence_facts",
    "intelligence_close",
    "intelligence_create",
    "intelligence_default_category",
    "intelligence_promote",
    "intelligence_triage_to_incident",
    "notice_create",
    "notice_update",
    "template_save",
]
