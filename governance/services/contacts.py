"""Writes of the governance app. Keyword-only arguments, one transaction each, full validation; (contacts)."""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts import policy
from accounts.models import Department
from audit.context import acting_as
from core.errors import ApplicationError

from ..models import (
    ContactRole,
    ContactRoleAssignment,
    CooperationAgreement,
)
from .common import _full_clean

# Department contacts are held for a department of the matching kind.
DEPARTMENT_KIND_FOR_ROLE: dict[str, str] = {
    ContactRole.DATA_SOURCE_CONTACT: Department.Kind.DATA_SOURCE,
    ContactRole.DATA_USING_CONTACT: Department.Kind.DATA_USING,
    ContactRole.DATA_AUTHORITY_CONTACT: Department.Kind.DATA_AUTHORITY,
}


FIRM_LEVEL_ROLES = {
    ContactRole.DATA_CONTROLLER,
    ContactRole.INCIDENT_LEAD,
    ContactRole.DEPUTY_INCIDENT_LEAD,
    ContactRole.REGULATOR_LIAISON,
    ContactRole.COMPLIANCE_HEAD,
}


def _validate_assignment(a: ContactRoleAssignment):
    if a.deputy_id and a.deputy_id == a.holder_id:
        raise ApplicationError(_("The deputy must be someone other than the holder."))
    if a.role == ContactRole.PARTNER_SECURITY_CONTACT and not a.agreement_id:
        raise ApplicationError(_("A partner's security contact is held for an agreement."))
    wanted_kind = DEPARTMENT_KIND_FOR_ROLE.get(a.role)
    if wanted_kind:
        department = a.department
        if department is None:
            raise ApplicationError(_("This contact role is held for a department."))
        if department.kind != wanted_kind:
            raise ApplicationError(
                _("%(role)s must be held for a department of that kind (%(kind)s).")
                % {"role": a.get_role_display(), "kind": Department.Kind(wanted_kind).label}
            )
    if a.role in FIRM_LEVEL_ROLES and a.agreement_id:
        raise ApplicationError(_("This contact role is held for the firm or a department."))
    _full_clean(a)
    clash = ContactRoleAssignment.objects.filter(
        role=a.role, department=a.department, agreement=a.agreement
    ).exclude(pk=a.pk)
    if a.valid_until:
        clash = clash.filter(valid_from__lte=a.valid_until)
    clash = clash.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=a.valid_from))
    other = clash.select_related("holder").first()
    if other:
        raise ApplicationError(
            _(
                "%(holder)s already holds this role for the same scope from %(start)s; end that "
                "assignment first."
            )
            % {"holder": other.holder, "start": other.valid_from.isoformat()}
        )


def contact_role_assign(
    *,
    role: str,
    holder,
    valid_from: datetime.date,
    valid_until: datetime.date | None = None,
    deputy=None,
    department: Department | None = None,
    agreement: CooperationAgreement | None = None,
    notes: str = "",
    actor=None,
) -> ContactRoleAssignment:
    policy.require(actor, "governance.contact_role.assign")
    assignment = ContactRoleAssignment(
        role=role,
        holder=holder,
        deputy=deputy,
        department=department,
        agreement=agreement,
        valid_from=valid_from,
        valid_until=valid_until,
        notes=notes,
    )
    with transaction.atomic(), acting_as(actor):
        _validate_assignment(assignment)
        assignment.save()
    return assignment


def contact_role_update(*, assignment: ContactRoleAssignment, actor=None, **fields):
    policy.require(actor, "governance.contact_role.change", assignment)
    allowed = {"holder", "deputy", "valid_from", "valid_until", "notes"}
    unknown = set(fields) - allowed
    if unknown:
        raise ApplicationError(_("These fields cannot be changed here: %s") % ", ".join(unknown))
    for key, value in fields.items():
        setattr(assignment, key, value)
    with transaction.atomic(), acting_as(actor):
        _validate_assignment(assignment)
        assignment.save()
    return assignment


def contact_role_end(*, assignment: ContactRoleAssignment, valid_until: datetime.date, actor=None):
    return contact_role_update(assignment=assignment, valid_until=valid_until, actor=actor)
