"""Writes for training. Keyword-only arguments, one transaction each, full validation; expected (common)."""

from django.utils.translation import gettext as _

from accounts.policy import can_write
from accounts.roles import Role
from core.errors import ApplicationError

BATCH_SIZE = 5000


def _require_writer(actor):
    if actor is not None and not can_write(actor):
        raise ApplicationError(_("You may read these records but not change them."))


def _require_officer(actor):
    if actor is None:
        return
    if not (actor.is_superuser or actor.has_role(Role.COMPLIANCE_OFFICER, Role.ADMINISTRATOR)):
        raise ApplicationError(_("Only a compliance officer may do this."))
