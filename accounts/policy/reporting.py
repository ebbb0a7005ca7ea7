"""Rules for regulatory reporting: reports and their four-eyes approval, submissions, regulator
notices, risk intelligence, reporting rules and templates.

Objects are read by attribute: a report's, notice's or item's `sees(user)` (author, case,
notice handler), a report's author and contributors (four eyes). Nothing here imports the
reporting app."""

from django.utils.translation import gettext_lazy as _

from .core import rule
from .incidents import works
from .roles import AUDITORS, FIRM_WIDE, HANDLERS, OFFICERS, has_any, is_writer
from .visibility import can_see

WRITE = _("You may read these records but not change them.")
OFFICERS_ONLY = _("Only compliance officers may do this.")


def _works_on(user, obj) -> bool:
    """Handlers, officers and administrators, on a record they see."""
    return works(user) and can_see(user, obj)


def _officer(user) -> bool:
    return is_writer(user) and has_any(user, OFFICERS)


@rule("reporting.read", message=_("Your role may not read regulatory reporting."))
def _read(user, obj=None) -> bool:
    """The reporting pages and API: handlers, officers, administrators and the auditor."""
    return has_any(user, HANDLERS | AUDITORS)


@rule("reporting.work", message=WRITE)
def _work(user, obj=None) -> bool:
    """May change reporting records at all (the pages' forms); each record is then asked."""
    return works(user)


@rule("reporting.report.change", message=WRITE, needs_object=True)
def _report_change(user, report) -> bool:
    """Draft the content, ask for approval, open a new version after approval."""
    return _works_on(user, report)


@rule("reporting.report.cancel", message=WRITE, needs_object=True)
def _report_cancel(user, report) -> bool:
    return _works_on(user, report)


@rule(
    "reporting.report.approve",
    message=_("You are not authorised to approve regulatory reports."),
    needs_object=True,
)
def _report_approve(user, report) -> bool:
    """Approve or return a report awaiting approval: compliance officers (and administrators)."""
    return _officer(user) and can_see(user, report)


@rule(
    "reporting.report.four_eyes",
    message=_("Four-eyes rule: a report cannot be approved by someone who wrote it."),
    needs_object=True,
)
def _report_four_eyes(user, report) -> bool:
    """The approver is a second person: neither the author nor anyone who drafted this version
    (whoever asked for approval is one of them)."""
    return user.pk != report.author_id and not report.contributors.filter(pk=user.pk).exists()


@rule("reporting.submission.create", message=WRITE, needs_object=True)
def _submission_create(user, report) -> bool:
    return _works_on(user, report)


@rule("reporting.notice.create", message=OFFICERS_ONLY)
def _notice_create(user, obj=None) -> bool:
    return _officer(user)


@rule("reporting.notice.change", message=WRITE, needs_object=True)
def _notice_change(user, notice) -> bool:
    """Handling notes, handler, status, a moved feedback deadline, the linked case."""
    return _works_on(user, notice)


@rule("reporting.intelligence.create", message=WRITE)
def _intelligence_create(user, obj=None) -> bool:
    return works(user)


@rule("reporting.intelligence.triage", message=WRITE, needs_object=True)
def _intelligence_triage(user, item) -> bool:
    """Link an item to a case, or close it with the reason."""
    return _works_on(user, item)


@rule(
    "reporting.intelligence.promote",
    message=_("Your role may not change incidents."),
    needs_object=True,
)
def _intelligence_promote(user, item) -> bool:
    """Open a new case from an item: who may triage it and open cases."""
    return _works_on(user, item)


@rule("reporting.rule.change", message=OFFICERS_ONLY)
def _rule_change(user, obj=None) -> bool:
    """Create, revise (a new version) or deactivate a reporting rule."""
    return _officer(user)


@rule("reporting.template.change", message=OFFICERS_ONLY)
def _template_change(user, obj=None) -> bool:
    return _officer(user)


@rule("reporting.dossier_template.change", message=OFFICERS_ONLY)
def _dossier_template_change(user, obj=None) -> bool:
    """The case dossier's layout (reporting.DossierTemplate), like the report templates."""
    return _officer(user)


@rule("reporting.obligations.sync", message=_("Your role may not change incidents."))
def _obligations_sync(user, obj=None) -> bool:
    """Reports owed follow a case's grade and times: run for whoever graded or resolved it, or
    by the system (a missed follow-up deadline)."""
    return works(user)


@rule(
    "reporting.inspection.export",
    message=_("Only compliance officers, auditors and administrators produce the inspection pack."),
)
def _inspection_pack(user, obj=None) -> bool:
    """The inspection pack an examiner asks for (issue 20): the firm-wide roles."""
    return has_any(user, FIRM_WIDE)
