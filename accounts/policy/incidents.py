"""Rules for incident cases: who works a case, who may be assigned one, who owns rectification.

Objects are read by attribute: a case's `sees(user)` (assignee, creator, team), a task's or a
piece of evidence's case, a rectification item's owner. Nothing here imports the incidents app.
"""

from django.utils.translation import gettext_lazy as _

from .core import rule
from .roles import AUDITORS, HANDLERS, OFFICERS, has_any, is_writer
from .visibility import can_see, sees_everything

WORK = _("Your role may not change incidents.")


def works(user) -> bool:
    """Handlers, officers and administrators change cases (auditors only read)."""
    return is_writer(user) and has_any(user, HANDLERS)


def _sees_case(user, incident) -> bool:
    return incident is not None and can_see(user, incident)


def _works_on(user, incident) -> bool:
    return works(user) and _sees_case(user, incident)


def _sees_item(user, item) -> bool:
    """A rectification item: its owner, and whoever sees its case."""
    return (
        sees_everything(user)
        or item.owner_id == user.pk
        or (item.incident_id is not None and _sees_case(user, item.incident))
    )


def _sees_evidence(user, evidence) -> bool:
    if sees_everything(user):
        return True
    if evidence.incident_id is not None:
        return _sees_case(user, evidence.incident)
    return evidence.rectification_item_id is not None and _sees_item(
        user, evidence.rectification_item
    )


@rule("incidents.read", message=_("Your role may not read incidents."))
def _read(user, obj=None) -> bool:
    """The case list, the triage queue: handlers, officers, administrators and the auditor
    (what each sees of it is the visibility rule)."""
    return has_any(user, HANDLERS | AUDITORS)


@rule("incidents.case.work", message=WORK)
def _case_work(user, obj=None) -> bool:
    """May work cases at all (the pages' forms and buttons); each case is then asked itself."""
    return works(user)


@rule("incidents.incident.create", message=WORK)
def _incident_create(user, obj=None) -> bool:
    return works(user)


@rule("incidents.incident.change", message=WORK, needs_object=True)
def _incident_change(user, incident) -> bool:
    return _works_on(user, incident)


@rule("incidents.incident.grade", message=WORK, needs_object=True)
def _incident_grade(user, incident) -> bool:
    return _works_on(user, incident)


@rule("incidents.incident.transition", message=WORK, needs_object=True)
def _incident_transition(user, incident) -> bool:
    """Start handling, resolve, summarise, close."""
    return _works_on(user, incident)


@rule("incidents.timeline.add", message=WORK, needs_object=True)
def _timeline_add(user, incident) -> bool:
    return _works_on(user, incident)


@rule("incidents.comment.add", message=WORK, needs_object=True)
def _comment_add(user, incident) -> bool:
    return _works_on(user, incident)


@rule("incidents.task.create", message=WORK, needs_object=True)
def _task_create(user, incident) -> bool:
    return _works_on(user, incident)


@rule("incidents.task.change", message=WORK, needs_object=True)
def _task_change(user, task) -> bool:
    return _works_on(user, task.incident)


ASSIGNEE = _("Only incident handlers and compliance officers can be given incident work.")


@rule("incidents.case.be_assigned", message=ASSIGNEE)
def _be_assigned(user, obj=None) -> bool:
    """Who may be the assignee of a case or of a task on it (asked of the candidate)."""
    return works(user)


OWNER = _("A rectification item's owner must be an active user.")


@rule("incidents.rectification.be_owner", message=OWNER)
def _be_owner(user, obj=None) -> bool:
    """Who may own a rectification item (asked of the candidate): any active user, as the page
    offers (the case's team and the handlers, anyone else by username)."""
    return True


@rule(
    "incidents.evidence.add",
    message=_("You may not add evidence here."),
    needs_object=True,
)
def _evidence_add(user, target) -> bool:
    """`target` is the case, or the rectification item whose owner records the work."""
    if hasattr(target, "owner_id"):  # a rectification item
        return is_writer(user) and (
            target.owner_id == user.pk or (works(user) and _sees_item(user, target))
        )
    return _works_on(user, target)


@rule(
    "incidents.evidence.open",
    message=_("You may not open this evidence."),
    needs_object=True,
)
def _evidence_open(user, evidence) -> bool:
    """Reading is recorded in the chain of custody; whoever sees the evidence may open it."""
    return _sees_evidence(user, evidence)


@rule("incidents.custody.add", message=WORK, needs_object=True)
def _custody_add(user, evidence) -> bool:
    return works(user) and _sees_evidence(user, evidence)


@rule(
    "incidents.rectification.create",
    message=WORK,
)
def _rectification_create(user, incident=None) -> bool:
    """On a case: whoever works it. Without a case (a finding of another area, e.g. a drill or
    an inspection): that area's own rule decided who records the finding; here a writer."""
    if incident is None:
        return is_writer(user)
    return _works_on(user, incident)


@rule(
    "incidents.rectification.complete",
    message=_("Only the owner or a handler of the case may mark this item done."),
    needs_object=True,
)
def _rectification_complete(user, item) -> bool:
    return is_writer(user) and (
        item.owner_id == user.pk or (works(user) and _sees_item(user, item))
    )


@rule("incidents.rectification.verify", message=WORK, needs_object=True)
def _rectification_verify(user, item) -> bool:
    """The second-person check (not the owner) is the service's own rule, with its message."""
    return works(user) and _sees_item(user, item)


@rule(
    "incidents.concern.submit",
    message=_("You may read these records but not change them."),
)
def _concern_submit(user, obj=None) -> bool:
    return is_writer(user)


@rule(
    "incidents.concern.triage",
    message=_("Only incident handlers and compliance officers triage concerns."),
)
def _concern_triage(user, obj=None) -> bool:
    """Promote a concern to a case, or close it with a reason for the reporter."""
    return works(user)


OFFICERS_ONLY = _("Only compliance officers may change grading criteria and response plans.")


def _draft(obj) -> bool:
    """A criteria version (or a criterion of one) is edited only while it is a draft: an active
    or retired version is history."""
    criterion_set = getattr(obj, "criterion_set", obj)
    return getattr(criterion_set, "state", None) == "draft"


@rule("incidents.criteria.change", message=OFFICERS_ONLY)
def _criteria_change(user, obj=None) -> bool:
    """Grading criteria: copy a version to a new draft, edit the draft (a criterion set or one
    criterion of it)."""
    return is_writer(user) and has_any(user, OFFICERS) and (obj is None or _draft(obj))


@rule("incidents.criteria.activate", message=OFFICERS_ONLY, needs_object=True)
def _criteria_activate(user, criterion_set) -> bool:
    return is_writer(user) and has_any(user, OFFICERS)


@rule("incidents.plan.change", message=OFFICERS_ONLY)
def _plan_change(user, obj=None) -> bool:
    """Response plans and their steps (reference data, not evidence: officers may delete)."""
    return is_writer(user) and has_any(user, OFFICERS)


@rule(
    "incidents.history.import",
    message=_("Only compliance officers may import past cases."),
)
def _history_import(user, obj=None) -> bool:
    """Past cases from a workbook (reporting.importer): officers (administrators by role set)."""
    return is_writer(user) and has_any(user, OFFICERS)
# --- emergency plans (§5 应急预案, O7) and the confidential concern channel -------------------


@rule("incidents.plan.read", message=_("Your role may not read emergency plans."))
def _plan_read(user, obj=None) -> bool:
    return has_any(user, HANDLERS | AUDITORS)


_PLAN_OFFICERS = _("Only compliance officers keep emergency plans.")
for _action in ("incidents.plan.create", "incidents.plan.version_draft", "incidents.plan.decide"):
    rule(_action, message=_PLAN_OFFICERS)(lambda user, obj=None: has_any(user, OFFICERS))


@rule(
    "incidents.plan.version_approve",
    message=_("Only the plan's responsible leader approves its versions."),
    needs_object=True,
)
def _plan_leader(user, version) -> bool:
    """The responsible leader of the version's plan, and nobody else (not even an officer:
    the standard wants the plan approved by whoever answers for it)."""
    return is_writer(user) and version.plan.responsible_leader_id == user.pk


@rule("incidents.plan.propose", message=WORK)
def _plan_propose(user, obj=None) -> bool:
    """Propose a change to a plan, or ask for its early review (after gaps were found)."""
    return works(user)


@rule(
    "incidents.concern.message",
    message=_("Only the reporter and the triagers write on a concern."),
    needs_object=True,
)
def _concern_message(user, concern) -> bool:
    return works(user) or (is_writer(user) and concern.reporter_id == user.pk)
