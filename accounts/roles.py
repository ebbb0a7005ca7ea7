"""Permission roles (Django groups) and the permissions each one holds.

Groups are created by a data migration; their permissions are (re)granted after every migrate,
because an app's permissions exist only once all migrations ran. Domain apps add their grants
from their AppConfig.ready() with `grant()` so this module never names them.
"""

from fnmatch import fnmatchcase

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COMPLIANCE_OFFICER = "compliance_officer", _("Compliance officer")
    INCIDENT_HANDLER = "incident_handler", _("Incident handler")
    STAFF = "staff", _("Staff")
    AUDITOR = "auditor", _("Auditor")
    ADMINISTRATOR = "administrator", _("Administrator")


# Roles that see every object of every domain app (officers work firm-wide, auditors read all).
FIRM_WIDE_ROLES = {Role.COMPLIANCE_OFFICER, Role.AUDITOR, Role.ADMINISTRATOR}
# Roles that may sign in to the Django admin.
ADMIN_SITE_ROLES = {Role.COMPLIANCE_OFFICER, Role.AUDITOR, Role.ADMINISTRATOR}

# role -> patterns "app_label.codename" matched with fnmatch.
_GRANTS: dict[str, set[str]] = {
    Role.ADMINISTRATOR: {"*.*"},
    Role.AUDITOR: {"*.view_*"},
    Role.COMPLIANCE_OFFICER: {
        "accounts.view_*",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.*_department",
        "accounts.*_jobrole",
    },
    Role.INCIDENT_HANDLER: {"accounts.view_department", "accounts.view_jobrole"},
    Role.STAFF: set(),
}
# Nobody but the administrator may touch these, whatever a wildcard says.
_RESERVED = {"auth.*", "contenttypes.*", "sessions.*", "admin.*"}


def grant(role: str, *patterns: str) -> None:
    _GRANTS.setdefault(role, set()).update(patterns)


def patterns_for(role: str) -> set[str]:
    return set(_GRANTS.get(role, set()))


def _allowed(role: str, perm_key: str) -> bool:
    pats = _GRANTS.get(role, set())
    if role != Role.ADMINISTRATOR and any(fnmatchcase(perm_key, r) for r in _RESERVED):
        return False
    return any(fnmatchcase(perm_key, p) for p in pats)


def sync_role_permissions(using="default") -> None:
    from django.contrib.auth.models import Group, Permission

    perms = list(Permission.objects.using(using).select_related("content_type"))
    for role in Role:
        group, _created = Group.objects.using(using).get_or_create(name=role.value)
        wanted = [p for p in perms if _allowed(role, f"{p.content_type.app_label}.{p.codename}")]
        group.permissions.set(wanted)


def sync_role_permissions_receiver(sender, using="default", **kwargs):
    # post_migrate is sent per app with models, in INSTALLED_APPS order, and each app's
    # permissions are created on its own signal: sync once, on the last such app's.
    from django.apps import apps

    with_models = [a for a in apps.get_app_configs() if a.models_module is not None]
    if sender.label != with_models[-1].label:
        return
    sync_role_permissions(using=using)


def user_roles(user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_role_codes", None)
    if cached is None:
        from django.contrib.auth.models import Group

        cached = set(Group.objects.filter(user__id=user.pk).values_list("name", flat=True))
        if user.is_superuser:
            cached.add(Role.ADMINISTRATOR)
        user._role_codes = cached
    return cached


def assign_role(user, role: str) -> None:
    from django.contrib.auth.models import Group

    group, _created = Group.objects.get_or_create(name=role)
    user.groups.add(group)
    if role in ADMIN_SITE_ROLES and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("_role_codes", None)
