"""Directory sign-in settings (django-auth-ldap) read from the environment: docs/directory-sign-in.md.

`ldap_settings(values)` turns `LDAP_*` variables into django-auth-ldap's `AUTH_LDAP_*` settings
and the authentication backends. Settings call it with `os.environ`; the tests with a slapd they
started. A malformed value is an error at start-up, never a silent default.
"""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured

AXES_BACKEND = "axes.backends.AxesStandaloneBackend"
DIRECTORY_BACKEND = "accounts.ldap.DirectoryBackend"
LOCAL_BACKEND = "accounts.ldap.BreakGlassBackend"

# Django user field -> directory attribute, each overridable by LDAP_ATTR_<FIELD>.
DEFAULT_ATTRIBUTES = {
    "first_name": "givenName",
    "last_name": "sn",
    "email": "mail",
    "display_name": "displayName",
    "phone": "telephoneNumber",
}
GROUP_TYPES = ("groupOfNames", "groupOfUniqueNames", "activeDirectory", "posixGroup")
LOCAL_SIGN_IN_CHOICES = ("administrators", "all")


def local_sign_in(values: Mapping[str, str]) -> str:
    """Who still signs in with a local password beside the directory or the provider."""
    local = values.get("LOCAL_SIGN_IN", "administrators").strip()
    if local not in LOCAL_SIGN_IN_CHOICES:
        raise ImproperlyConfigured("LOCAL_SIGN_IN must be 'administrators' or 'all'.")
    return local


def env_flag(values: Mapping[str, str], name: str, default: bool) -> bool:
    raw = values.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def _required(values: Mapping[str, str], name: str) -> str:
    value = values.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} is required when LDAP_SERVER_URI is set.")
    return value


def _group_type(name: str):
    from django_auth_ldap.config import (
        GroupOfNamesType,
        GroupOfUniqueNamesType,
        NestedActiveDirectoryGroupType,
        PosixGroupType,
    )

    return {
        "groupOfNames": GroupOfNamesType,
        "groupOfUniqueNames": GroupOfUniqueNamesType,
        "activeDirectory": NestedActiveDirectoryGroupType,
        "posixGroup": PosixGroupType,
    }[name]()


def role_groups(values: Mapping[str, str]) -> dict[str, str]:
    """`LDAP_ROLE_INCIDENT_HANDLER=cn=handlers,ou=groups,dc=firm,dc=cn` -> {"incident_handler": dn}."""
    return {
        key.removeprefix("LDAP_ROLE_").lower(): value.strip()
        for key, value in values.items()
        if key.startswith("LDAP_ROLE_") and value.strip()
    }


def ldap_settings(values: Mapping[str, str]) -> dict[str, Any]:
    """Settings for directory sign-in, or {} when LDAP_SERVER_URI is not set."""
    uri = values.get("LDAP_SERVER_URI", "").strip()
    if not uri:
        return {}
    import ldap
    from django_auth_ldap.config import LDAPSearch

    group_type = values.get("LDAP_GROUP_TYPE", "groupOfNames").strip()
    if group_type not in GROUP_TYPES:
        raise ImproperlyConfigured(f"LDAP_GROUP_TYPE must be one of {', '.join(GROUP_TYPES)}.")
    local = local_sign_in(values)
    user_filter = values.get("LDAP_USER_FILTER", "(uid=%(user)s)").strip()
    if "%(user)s" not in user_filter:
        raise ImproperlyConfigured("LDAP_USER_FILTER must contain %(user)s.")
    group_filter = (
        values.get("LDAP_GROUP_FILTER", "").strip()
        or {
            "groupOfNames": "(objectClass=groupOfNames)",
            "groupOfUniqueNames": "(objectClass=groupOfUniqueNames)",
            "activeDirectory": "(objectClass=group)",
            "posixGroup": "(objectClass=posixGroup)",
        }[group_type]
    )
    attributes = {
        field: values.get(f"LDAP_ATTR_{field.upper()}", default).strip()
        for field, default in DEFAULT_ATTRIBUTES.items()
    }
    try:
        timeout = int(values.get("LDAP_TIMEOUT", "5"))
    except ValueError:
        raise ImproperlyConfigured("LDAP_TIMEOUT must be a whole number of seconds.")
    groups = role_groups(values)
    return {
        "AUTHENTICATION_BACKENDS": [AXES_BACKEND, DIRECTORY_BACKEND, LOCAL_BACKEND],
        "AUTH_LDAP_SERVER_URI": uri,
        "AUTH_LDAP_START_TLS": env_flag(values, "LDAP_START_TLS", False),
        "AUTH_LDAP_BIND_DN": values.get("LDAP_BIND_DN", "").strip(),
        "AUTH_LDAP_BIND_PASSWORD": values.get("LDAP_BIND_PASSWORD", ""),
        "AUTH_LDAP_USER_SEARCH": LDAPSearch(
            _required(values, "LDAP_USER_BASE"), ldap.SCOPE_SUBTREE, user_filter
        ),
        "AUTH_LDAP_GROUP_SEARCH": LDAPSearch(
            values.get("LDAP_GROUP_BASE", "").strip() or _required(values, "LDAP_USER_BASE"),
            ldap.SCOPE_SUBTREE,
            group_filter,
        ),
        "AUTH_LDAP_GROUP_TYPE": _group_type(group_type),
        "AUTH_LDAP_REQUIRE_GROUP": values.get("LDAP_REQUIRE_GROUP", "").strip() or None,
        "AUTH_LDAP_USER_ATTR_MAP": {field: attr for field, attr in attributes.items() if attr},
        "AUTH_LDAP_ALWAYS_UPDATE_USER": True,
        "AUTH_LDAP_FIND_GROUP_PERMS": False,
        "AUTH_LDAP_MIRROR_GROUPS": False,
        # Group membership is read at every sign-in: a removal takes effect at the next one.
        "AUTH_LDAP_CACHE_TIMEOUT": 0,
        "AUTH_LDAP_CONNECTION_OPTIONS": {
            ldap.OPT_REFERRALS: 0,
            ldap.OPT_NETWORK_TIMEOUT: timeout,
            ldap.OPT_TIMEOUT: timeout,
        },
        # ours (accounts.ldap)
        "AUTH_LDAP_ROLE_GROUPS": groups,
        "AUTH_LDAP_DEPARTMENT_ATTR": values.get("LDAP_ATTR_DEPARTMENT", "departmentNumber").strip(),
        "AUTH_LDAP_MANAGER_ATTR": values.get("LDAP_ATTR_MANAGER", "manager").strip(),
        "LOCAL_SIGN_IN": local,
    }
