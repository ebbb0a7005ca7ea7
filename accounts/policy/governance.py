"""Rules for governance: counterparties, agreements, sharing, contact roles, meetings.

Objects are read by attribute only (agreement.owner, meeting.organiser, item.owner); this
module imports no domain app."""

from django.utils.translation import gettext_lazy as _

from .core import rule
from .roles import HANDLERS, OFFICERS, has_any, is_writer
from .visibility import can_see


# Counterparties are the firm's register of institutions: officers keep it, handlers and the
# owners of agreements read it.
@rule(
    "governance.counterparty.create",
    message=_("Only compliance officers may add counterparties."),
)
@rule(
    "governance.counterparty.change",
    message=_("Only compliance officers may edit counterparties."),
)
@rule(
    "governance.counterparty.contact_add",
    message=_("Only compliance officers may edit counterparties."),
)
def _counterparty_keeper(user, obj=None) -> bool:
    return has_any(user, OFFICERS)


@rule("governance.agreement.create", message=_("You may read these records but not change them."))
def _agreement_create(user, obj=None) -> bool:
    return is_writer(user)


def _agreement_editor(user, agreement) -> bool:
    """Officers; the agreement's owner; a handler of the owner's department."""
    if has_any(user, OFFICERS):
        return True
    if not is_writer(user):
        return False
    if agreement.owner_id == user.pk:
        return True
    department = getattr(user, "department_id", None)
    owner = agreement.owner if agreement.owner_id else None
    return (
        has_any(user, HANDLERS)
        and department is not None
        and owner is not None
        and owner.department_id == department
    )


_EDITORS = _(
    "Only the owner of the agreement, a handler of the owner's department or a compliance "
    "officer may change it."
)
rule("governance.agreement.change", message=_EDITORS, needs_object=True)(_agreement_editor)
rule("governance.agreement.document", message=_EDITORS, needs_object=True)(_agreement_editor)
rule("governance.agreement.submit", message=_EDITORS, needs_object=True)(_agreement_editor)


@rule(
    "governance.agreement.approve", message=_("Only a compliance officer may approve an agreement.")
)
@rule(
    "governance.agreement.return", message=_("Only a compliance officer may return an agreement.")
)
@rule(
    "governance.agreement.terminate",
    message=_("Only a compliance officer may terminate an agreement."),
)
@rule(
    "governance.agreement.suspend",
    message=_("Only a compliance officer may suspend an agreement."),
)
@rule(
    "governance.agreement.resume",
    message=_("Only a compliance officer may resume a suspended agreement."),
)
@rule(
    "governance.sharing.approve", message=_("Only a compliance officer may approve a bulk share.")
)
@rule(
    "governance.sharing.refuse_bulk",
    message=_("Only a compliance officer may refuse a bulk share."),
)
@rule(
    "governance.contact_role.assign",
    message=_("Only compliance officers may assign contact roles."),
)
@rule(
    "governance.contact_role.change",
    message=_("Only compliance officers may assign contact roles."),
)
@rule(
    "governance.obligation.evidence",
    message=_("Only a compliance officer may attach evidence."),
)
@rule("governance.meeting.create", message=_("Only compliance officers may plan meetings."))
@rule(
    "governance.meeting_schedule.change",
    message=_("Only compliance officers may plan meetings."),
)
@rule(
    "governance.obligation.change",
    message=_("Only compliance officers may change the obligations calendar."),
)
@rule(
    "governance.meeting.minutes_approve",
    message=_("Only a compliance officer may approve minutes."),
)
def _officer(user, obj=None) -> bool:
    return has_any(user, OFFICERS)


# The same answer as for an id that does not exist: a refusal must not confirm the agreement.
@rule("governance.sharing.create", message=_("No such record, or you may not use it."))
def _sharing_create(user, agreement=None) -> bool:
    # No agreement at all is the service's own refusal (it says why a share needs one).
    return is_writer(user) and (agreement is None or can_see(user, agreement))


# Who decides a waiting share is the service's business rule (the data-authority department,
# or an officer for a bulk share); the policy only keeps readers out.
@rule(
    "governance.sharing.authority_approve",
    message=_("You may read these records but not change them."),
)
@rule("governance.sharing.refuse", message=_("You may read these records but not change them."))
def _sharing_decide(user, obj=None) -> bool:
    return is_writer(user)


# A meeting is run by its organiser (or an officer); attendees read it.
def _meeting_runner(user, meeting) -> bool:
    return has_any(user, OFFICERS) or (is_writer(user) and meeting.organiser_id == user.pk)


_ORGANISER = _("Only the organiser of the meeting or a compliance officer may do this.")
for _action in (
    "governance.meeting.change",
    "governance.meeting.invite",
    "governance.meeting.minutes",
    "governance.meeting.action_item_add",
):
    rule(_action, message=_ORGANISER, needs_object=True)(_meeting_runner)


@rule(
    "governance.action_item.complete",
    message=_("Only the owner of the action, the meeting's organiser or an officer may close it."),
    needs_object=True,
)
def _action_item_complete(user, item) -> bool:
    if has_any(user, OFFICERS):
        return True
    if not is_writer(user):
        return False
    return item.owner_id == user.pk or item.meeting.organiser_id == user.pk


# --- the register of sharing media (三(四) 1 a1–a5) and the sharing evaluation (§7, O13) ------
# Officers keep the register and decide use requests; the custodian records checks, receives
# returns and starts a handover; the two parties of a handover confirm it (the service checks
# which of them is asking).
@rule("governance.medium.create", message=_("Only compliance officers may register media."))
@rule("governance.medium.change", message=_("Only compliance officers may edit the register."))
@rule(
    "governance.medium.dispose",
    message=_("Only a compliance officer may dispose of a medium."),
)
@rule(
    "governance.medium.use_decide",
    message=_("Only a compliance officer may decide on a request to use a medium."),
)
@rule(
    "governance.evaluation.create",
    message=_("Only compliance officers may start a sharing evaluation."),
)
@rule(
    "governance.evaluation.team",
    message=_("Only compliance officers may form the evaluation team."),
)
@rule(
    "governance.evaluation.approve",
    message=_("Only a compliance officer on the management layer may approve."),
)
@rule(
    "governance.evaluation.send",
    message=_("Only a compliance officer may send the evaluation report."),
)
def _media_and_evaluation_officer(user, obj=None) -> bool:
    return has_any(user, OFFICERS)


_CUSTODIAN = _("Only the custodian of the medium or a compliance officer may do this.")


@rule("governance.medium.check", message=_CUSTODIAN, needs_object=True)
@rule("governance.medium.handover", message=_CUSTODIAN, needs_object=True)
def _medium_custodian(user, medium) -> bool:
    return has_any(user, OFFICERS) or (is_writer(user) and medium.custodian_id == user.pk)


@rule("governance.medium.use_return", message=_CUSTODIAN, needs_object=True)
def _medium_return(user, request) -> bool:
    return has_any(user, OFFICERS) or (is_writer(user) and request.medium.custodian_id == user.pk)


@rule("governance.medium.use_request", message=_("No such record, or you may not use it."))
def _medium_use_request(user, medium=None) -> bool:
    return is_writer(user) and (medium is None or can_see(user, medium))


@rule(
    "governance.medium.handover_confirm",
    message=_("Only the two parties of the handover confirm it."),
    needs_object=True,
)
def _medium_handover_party(user, handover) -> bool:
    if not is_writer(user):
        return False
    return has_any(user, OFFICERS) or user.pk in (handover.from_user_id, handover.to_user_id)


@rule(
    "governance.evaluation.change",
    message=_("Only the evaluation's execution layer or a compliance officer may do this."),
    needs_object=True,
)
def _evaluation_executor(user, evaluation) -> bool:
    return has_any(user, OFFICERS) or (is_writer(user) and user.pk in evaluation.executor_ids)


@rule(
    "governance.evaluation.monitor",
    message=_("Only members of the evaluation team may record its monitoring."),
    needs_object=True,
)
def _evaluation_member(user, evaluation) -> bool:
    return has_any(user, OFFICERS) or (is_writer(user) and user.pk in evaluation.member_ids())
@rule(
    "governance.meeting.adopt",
    message=_ORGANISER,
    needs_object=True,
)
def _meeting_adopt(user, meeting) -> bool:
    """Record a plan or process change the annual process review adopted (O3)."""
    return _meeting_runner(user, meeting)
