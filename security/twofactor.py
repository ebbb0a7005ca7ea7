"""Who must sign in with a second factor, and whether this request already did.

`TWO_FACTOR_REQUIRED_ROLES` (environment, comma-separated role codes) names the roles; it is on
by default in production (officers, administrators, auditors) and off in local and test settings.
"""

from django.conf import settings
from django_otp import user_has_device

from accounts.roles import user_roles


def required_roles() -> set[str]:
    return {r.strip() for r in getattr(settings, "TWO_FACTOR_REQUIRED_ROLES", []) if r.strip()}


def is_required(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    roles = required_roles()
    return bool(roles) and bool(user_roles(user) & roles)


def is_verified(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and getattr(user, "is_verified", lambda: False)())


def has_device(user) -> bool:
    return user_has_device(user, confirmed=True)
