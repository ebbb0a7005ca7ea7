"""Rules for the ground floor's own writes: people, departments, deadlines, notifications."""

from django.utils.translation import gettext_lazy as _

from .core import rule
from .roles import ADMINISTRATORS, OFFICERS, has_any, is_writer


@rule("accounts.department.change", message=_("Only compliance officers may edit departments."))
def _department_change(user, obj=None) -> bool:
    return has_any(user, OFFICERS)


@rule("accounts.jobrole.change", message=_("Only compliance officers may edit job roles."))
@rule("accounts.user.create", message=_("Only compliance officers may add people."))
@rule("accounts.user.change", message=_("Only compliance officers may edit people."))
def _officers(user, obj=None) -> bool:
    return has_any(user, OFFICERS)


@rule("accounts.user.delete", message=_("Only an administrator may delete people."))
def _administrators(user, obj=None) -> bool:
    return has_any(user, ADMINISTRATORS)


# Deadlines are written by the domain service whose own rule was asked first (approving an
# agreement, adding an action item); here the actor must only be someone who may change things.
@rule("deadlines.deadline.create", message=_("You may read these records but not change them."))
@rule("deadlines.deadline.change", message=_("You may read these records but not change them."))
def _deadline_write(user, obj=None) -> bool:
    return is_writer(user)


@rule("deadlines.deadline.waive", message=_("Only compliance officers may waive deadlines."))
@rule(
    "deadlines.policy.change",
    message=_("Only compliance officers may change reminder policies and the calendar."),
)
@rule("notifications.outbox.retry", message=_("Only compliance officers may retry messages."))
@rule(
    "notifications.endpoint.change",
    message=_("Only compliance officers may manage group robots."),
)
def _officer_settings(user, obj=None) -> bool:
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
