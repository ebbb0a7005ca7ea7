"""Rules for the regulatory data catalogue, the pre-share gate and the ledger of transfers.

Who approves a waiting request (data-authority department, data controller, compliance) is the
gate's business rule, decided in the service from the matrix; the policy keeps readers out and
says who counts as compliance. Objects are read by attribute only."""

from django.utils.translation import gettext_lazy as _

from .core import rule
from .roles import AUDITORS, OFFICERS, has_any, is_writer
from .visibility import can_see


@rule(
    "governance.catalogue.import",
    message=_("Only compliance officers may import the classification and grading table."),
)
@rule(
    "governance.catalogue.approve",
    message=_("Only compliance officers may approve the grading."),
)
@rule(
    "governance.sharing_request.decide_compliance",
    message=_("Only a compliance officer decides for compliance."),
)
@rule(
    "governance.sharing_matrix.change",
    message=_("Only compliance officers may edit the approval matrix and the bulk thresholds."),
)
@rule(
    "governance.ledger.systems",
    message=_("Only compliance officers may register exchange systems."),
)
def _officer(user, obj=None) -> bool:
    return has_any(user, OFFICERS)


@rule("governance.sharing_request.create", message=_("No such record, or you may not use it."))
def _request_create(user, agreement=None) -> bool:
    # No agreement at all is the gate's own refusal (it names its rule).
    return is_writer(user) and (agreement is None or can_see(user, agreement))


@rule(
    "governance.sharing_request.assess",
    message=_("You may read these records but not change them."),
)
@rule(
    "governance.sharing_request.decide",
    message=_("You may read these records but not change them."),
)
def _request_decide(user, obj=None) -> bool:
    return is_writer(user)


@rule(
    "governance.sharing_request.withdraw",
    message=_("Only the requester or a compliance officer may change this request."),
    needs_object=True,
)
def _request_owner(user, request) -> bool:
    if has_any(user, OFFICERS):
        return True
    return is_writer(user) and request.requested_by_id == user.pk


@rule(
    "governance.ledger.export",
    message=_("Only officers, auditors and the data-authority department export the ledger."),
)
def _ledger_export(user, obj=None) -> bool:
    department = getattr(user, "department", None)
    return has_any(user, OFFICERS | AUDITORS) or (
        department is not None and department.kind == "data_authority"
    )
