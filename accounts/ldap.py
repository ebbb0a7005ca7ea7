"""Sign-in with the firm's directory (LDAP / Active Directory) through django-auth-ldap.

`config.directory.ldap_settings` turns the `LDAP_*` environment into settings; this module holds
the two backends it names (docs/directory-sign-in.md):

- `DirectoryBackend`: bind and user search are django-auth-ldap's. At every sign-in the roles
  mapped to directory groups (`LDAP_ROLE_<ROLE>`) follow the directory: a member gains the role,
  a former member loses it. Roles not mapped stay as set in the application. Department and
  manager come from directory attributes. A disabled account is excluded by the user filter
  (Active Directory: `userAccountControl`), so it cannot sign in; its local user keeps an unusable
  password, so the local backend cannot sign it in either.
- `BreakGlassBackend`: local passwords, kept for break-glass administrators. While the directory
  is on, `LOCAL_SIGN_IN=administrators` (the default) admits only administrators with a local
  password; `all` admits every local account (during a migration).

Two-factor (TOTP) is enforced after sign-in by `security.middleware.TwoFactorMiddleware` for the
roles in `TWO_FACTOR_REQUIRED_ROLES`, whichever backend signed the user in.
"""

import logging

import ldap
from django.conf import settings
from django.db import transaction
from django_auth_ldap.backend import LDAPBackend

from .backends import BreakGlassBackend
from .identity import checked_role_groups, department_for, sync_roles
from .models import User

# config.directory names the local backend by this module (and sessions signed in with it store
# the path): it lives in accounts.backends, shared with OpenID Connect sign-in.
__all__ = ["BreakGlassBackend", "DirectoryBackend"]

logger = logging.getLogger(__name__)


def directory_roles() -> dict[str, str]:
    """Role code -> group DN, validated against the roles the application knows."""
    return checked_role_groups(getattr(settings, "AUTH_LDAP_ROLE_GROUPS", {}), "LDAP_ROLE_")


def _first(attrs, name: str) -> str:
    if not name or not attrs:
        return ""
    values = attrs.get(name) or attrs.get(name.lower()) or []
    return str(values[0]).strip() if values else ""


class DirectoryBackend(LDAPBackend):
    """django-auth-ldap, plus roles, department and manager from the directory."""

    def authenticate_ldap_user(self, ldap_user, password):
        user = super().authenticate_ldap_user(ldap_user, password)
        if user is None:
            return None
        with transaction.atomic():
            self._update_from_directory(user, ldap_user)
        return user

    def _update_from_directory(self, user, ldap_user) -> None:
        attrs = ldap_user.attrs
        changed = []
        department = department_for(
            _first(attrs, getattr(settings, "AUTH_LDAP_DEPARTMENT_ATTR", ""))
        )
        if department is not None and user.department_id != department.pk:
            user.department = department
            changed.append("department")
        manager = self._manager(
            ldap_user, _first(attrs, getattr(settings, "AUTH_LDAP_MANAGER_ATTR", ""))
        )
        if manager is not None and manager.pk != user.pk and user.manager_id != manager.pk:
            user.manager = manager
            changed.append("manager")
        if changed:
            user.save(update_fields=changed)
        added, removed = sync_roles(user, set(ldap_user.group_dns), directory_roles())
        if added or removed:
            logger.info(
                "directory roles for %s: added %s, removed %s",
                user.username,
                sorted(added),
                sorted(removed),
            )

    def _manager(self, ldap_user, manager_dn: str) -> User | None:
        """The local user whose directory entry is `manager_dn` (looked up in the directory)."""
        if not manager_dn:
            return None
        search = self.settings.USER_SEARCH
        username_attr = _username_attribute(search.filterstr if search else "")
        try:
            results = ldap_user.connection.search_s(manager_dn, ldap.SCOPE_BASE, "(objectClass=*)")
        except ldap.LDAPError as exc:
            logger.warning("manager %s of %s not found: %s", manager_dn, ldap_user.dn, exc)
            return None
        for _dn, attrs in results:
            values = {key.lower(): value for key, value in attrs.items()}.get(username_attr.lower())
            if values:
                raw = values[0]
                username = raw.decode() if isinstance(raw, bytes) else str(raw)
                return User.objects.filter(username__iexact=username).first()
        return None

    def has_perm(self, user, perm, obj=None):  # noqa: ARG002 - Django's backend signature
        return False  # roles decide (accounts.policy), never directory permissions

    def has_module_perms(self, user, app_label):  # noqa: ARG002 - Django's backend signature
        return False


def _username_attribute(filterstr: str) -> str:
    """The attribute the user filter matches %(user)s against: uid, sAMAccountName, ..."""
    before = filterstr.split("=%(user)s")[0] if "=%(user)s" in filterstr else "(uid"
    return before.rsplit("(", 1)[-1] or "uid"
