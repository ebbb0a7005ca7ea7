from django.conf import settings
from django.core.checks import Error, register

from accounts.roles import Role


@register()
def two_factor_roles(app_configs, **kwargs):
    known = {r.value for r in Role}
    wrong = [
        r
        for r in getattr(settings, "TWO_FACTOR_REQUIRED_ROLES", [])
        if r.strip() and r.strip() not in known
    ]
    if wrong:
        return [
            Error(
                f"TWO_FACTOR_REQUIRED_ROLES names unknown roles: {', '.join(wrong)}",
                hint=f"Use role codes from: {', '.join(sorted(known))}",
                id="security.E001",
            )
        ]
    return []
