"""Roles, stored as Django groups (created by a data migration). What a role may do is decided
by the policy's role sets and rules (accounts.policy), never by Django permission codenames:
see docs/authorisation.md.
"""

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
