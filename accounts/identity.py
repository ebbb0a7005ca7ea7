"""What the firm's identity source says about a user, applied to the local user: roles from group
membership, department by name. Shared by directory sign-in (accounts.ldap) and OpenID Connect
sign-in (accounts.oidc); docs/directory-sign-in.md.

A mapping names, per role, the group whose members hold it (a DN for the directory, a group name
or identifier for an OpenID provider's groups claim). At every sign-in a member gains the role and
someone no longer in the group loses it; roles no mapping names (given in the application) are
left alone.

Settings import `checked_role_groups` at start-up, so this module imports no model at the top.
"""

from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured
from django.utils.text import slugify

from .roles import ADMIN_SITE_ROLES, Role, assign_role, user_roles


def checked_role_groups(mapping: Mapping[str, str], variable_prefix: str) -> dict[str, str]:
    """Role code -> group, refusing role names the application does not know."""
    mapping = dict(mapping or {})
    unknown = set(mapping) - set(Role.values)
    if unknown:
        raise ImproperlyConfigured(
            f"{variable_prefix}* names unknown roles: {', '.join(sorted(unknown))} "
            f"(known: {', '.join(Role.values)})."
        )
    return mapping


def remove_role(user, role: str) -> None:
    from django.contrib.auth.models import Group

    group = Group.objects.filter(name=role).first()
    if group is not None:
        user.groups.remove(group)
    user.__dict__.pop("_role_codes", None)
    if user.is_staff and not user.is_superuser and not (user_roles(user) & ADMIN_SITE_ROLES):
        user.is_staff = False
        user.save(update_fields=["is_staff"])


def sync_roles(user, member_of: set[str], role_groups: Mapping[str, str]) -> tuple[set, set]:
    """Give the mapped roles whose group lists the user, take away the others. Returns (added,
    removed). Groups compare case-insensitively, as directories do."""
    member_of = {group.lower() for group in member_of}
    held = user_roles(user)
    added, removed = set(), set()
    for role, group in role_groups.items():
        if group.lower() in member_of and role not in held:
            assign_role(user, role)
            added.add(role)
        elif group.lower() not in member_of and role in held:
            remove_role(user, role)
            removed.add(role)
    return added, removed


def department_for(value: str):
    """The department named (or coded) by the identity source; created when the firm has none."""
    from .models import Department

    if not value:
        return None
    found = Department.objects.filter(name=value).first() or (
        Department.objects.filter(code=value).first()
    )
    if found is not None:
        return found
    code = slugify(value) or "dir-" + value.encode().hex()[:30]
    if Department.objects.filter(code=code).exists():
        code = f"{code[:30]}-{Department.objects.count() + 1}"
    return Department.objects.create(name=value[:100], code=code[:40])
