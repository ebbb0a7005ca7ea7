"""Writes of the governance app. Keyword-only arguments, one transaction each, full validation; (counterparties)."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts import policy
from accounts.models import Department
from audit.context import acting_as
from core.errors import ApplicationError

from ..models import (
    Counterparty,
    CounterpartyContact,
)
from .common import _full_clean


def _validate_counterparty(cp: Counterparty):
    cp.credit_code = (cp.credit_code or "").strip().upper()
    if cp.kind == Counterparty.Kind.INTERNAL:
        if cp.department_id is None:
            raise ApplicationError(_("An internal counterparty must name its department."))
    else:
        if not cp.credit_code:
            raise ApplicationError(
                _("An outside institution needs its unified social credit code.")
            )
        if cp.department_id is not None:
            raise ApplicationError(_("Only an internal counterparty belongs to a department."))
    _full_clean(cp)


def counterparty_create(
    *,
    kind: str,
    name: str,
    credit_code: str = "",
    department: Department | None = None,
    short_name: str = "",
    address: str = "",
    notes: str = "",
    actor=None,
) -> Counterparty:
    policy.require(actor, "governance.counterparty.create")
    cp = Counterparty(
        kind=kind,
        name=name.strip(),
        credit_code=credit_code,
        department=department,
        short_name=short_name,
        address=address,
        notes=notes,
    )
    _validate_counterparty(cp)
    with transaction.atomic(), acting_as(actor):
        cp.save()
    return cp


def counterparty_update(*, counterparty: Counterparty, actor=None, **fields) -> Counterparty:
    policy.require(actor, "governance.counterparty.change", counterparty)
    allowed = {"kind", "name", "credit_code", "department", "short_name", "address", "notes"}
    allowed |= {"is_active"}
    unknown = set(fields) - allowed
    if unknown:
        raise ApplicationError(_("These fields cannot be changed here: %s") % ", ".join(unknown))
    for key, value in fields.items():
        setattr(counterparty, key, value)
    _validate_counterparty(counterparty)
    with transaction.atomic(), acting_as(actor):
        counterparty.save()
    return counterparty


def counterparty_contact_add(
    *,
    counterparty: Counterparty,
    name: str,
    title: str = "",
    phone: str = "",
    email: str = "",
    is_security_contact: bool = False,
    actor=None,
) -> CounterpartyContact:
    policy.require(actor, "governance.counterparty.contact_add", counterparty)
    if not (phone or email):
        raise ApplicationError(_("A contact needs a phone number or an e-mail address."))
    contact = CounterpartyContact(
        counterparty=counterparty,
        name=name,
        title=title,
        phone=phone,
        email=email,
        is_security_contact=is_security_contact,
    )
    _full_clean(contact)
    with transaction.atomic(), acting_as(actor):
        contact.save()
    return contact
