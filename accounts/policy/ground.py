"""Rules for the ground floor's own writes (people, departments)."""

from django.utils.translation import gettext_lazy as _

from .core import rule
from .roles import OFFICERS, has_any


@rule("accounts.department.change", message=_("Only compliance officers may edit departments."))
def _department_change(user, obj=None) -> bool:
    return has_any(user, OFFICERS)


@rule("core.firmprofile.change", message=_("Only compliance officers may edit the firm profile."))
def _firm_profile_change(user, obj=None) -> bool:
    return has_any(user, OFFICERS)


@rule(
    "deadlines.calendar.change",
    message=_("Only compliance officers may change the working-day calendar."),
)
def _calendar_change(user, obj=None) -> bool:
    return has_any(user, OFFICERS)
