"""OpenID Connect sign-in settings (mozilla-django-oidc) read from the environment:
docs/directory-sign-in.md, "OpenID Connect".

`oidc_settings(values, backends)` turns `OIDC_*` variables into mozilla-django-oidc's settings and
the authentication backends: axes first, then the OpenID backend, then whatever signed in before
(the directory, if on), local passwords last and for break-glass administrators only unless
`LOCAL_SIGN_IN=all`. Settings call it with `os.environ`; the tests with a provider they started.
Nothing here touches the network or the database: the provider's endpoints are given, not
discovered, so an unreachable provider never stops the application (break-glass accounts keep
working). A malformed value is an error at start-up, never a silent default.
"""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from config.directory import env_flag, local_sign_in  # one reading of each variable

OIDC_BACKEND = "accounts.oidc.OIDCBackend"
MODEL_BACKEND = "accounts.backends.RoleBackend"
BREAK_GLASS_BACKEND = "accounts.backends.BreakGlassBackend"
ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
SIGN_ALGORITHMS = ("RS256", "RS384", "RS512", "ES256", "ES384", "ES512")
ROLE_PREFIX = "OIDC_ROLE_"


def _required(values: Mapping[str, str], name: str, what: str = "") -> str:
    value = values.get(name, "").strip()
    if not value:
        hint = f" (the provider's discovery document calls it {what})" if what else ""
        raise ImproperlyConfigured(f"{name} is required when OIDC_RP_CLIENT_ID is set{hint}.")
    return value


def _url(values: Mapping[str, str], name: str, what: str = "") -> str:
    value = _required(values, name, what)
    if not value.startswith(("https://", "http://")):
        raise ImproperlyConfigured(f"{name} must be an http(s) URL, not {value!r}.")
    return value


def oidc_role_groups(values: Mapping[str, str]) -> dict[str, str]:
    """`OIDC_ROLE_INCIDENT_HANDLER=ir-handlers` -> {"incident_handler": "ir-handlers"}."""
    return {
        key.removeprefix(ROLE_PREFIX).lower(): value.strip()
        for key, value in values.items()
        if key.startswith(ROLE_PREFIX) and value.strip()
    }


def oidc_settings(values: Mapping[str, str], backends: list[str]) -> dict[str, Any]:
    """Settings for OpenID Connect sign-in, or {} when OIDC_RP_CLIENT_ID is not set. `backends`
    are the authentication backends configured so far (axes first)."""
    client_id = values.get("OIDC_RP_CLIENT_ID", "").strip()
    if not client_id:
        return {}
    algorithm = values.get("OIDC_RP_SIGN_ALGO", "RS256").strip()
    if algorithm not in SIGN_ALGORITHMS:
        raise ImproperlyConfigured(
            f"OIDC_RP_SIGN_ALGO must be one of {', '.join(SIGN_ALGORITHMS)} (the provider signs "
            "ID tokens with its private key; the client secret never signs)."
        )
    local = local_sign_in(values)
    scopes = values.get("OIDC_RP_SCOPES", "openid email profile").split()
    if "openid" not in scopes:
        raise ImproperlyConfigured("OIDC_RP_SCOPES must include openid.")
    try:
        timeout = int(values.get("OIDC_TIMEOUT", "5"))
    except ValueError:
        raise ImproperlyConfigured("OIDC_TIMEOUT must be a whole number of seconds.")
    username_claim = values.get("OIDC_CLAIM_USERNAME", "preferred_username").strip()
    if not username_claim:
        raise ImproperlyConfigured("OIDC_CLAIM_USERNAME must name a claim.")
    from accounts.identity import checked_role_groups  # imports no model

    roles = checked_role_groups(oidc_role_groups(values), ROLE_PREFIX)
    # axes first, the provider next, then the directory (if on); local passwords last.
    rest = [
        BREAK_GLASS_BACKEND if backend == MODEL_BACKEND else backend
        for backend in backends[1:]
        if backend != OIDC_BACKEND
    ]
    return {
        "AUTHENTICATION_BACKENDS": [backends[0], OIDC_BACKEND, *rest],
        "OIDC_ENABLED": True,
        "OIDC_OP_ISSUER": _url(values, "OIDC_OP_ISSUER", "issuer"),
        **{name: _url(values, name, what) for name, what in ENDPOINTS.items()},
        "OIDC_RP_CLIENT_ID": client_id,
        "OIDC_RP_CLIENT_SECRET": _required(values, "OIDC_RP_CLIENT_SECRET"),
        "OIDC_RP_SIGN_ALGO": algorithm,
        "OIDC_RP_SCOPES": " ".join(scopes),
        "OIDC_USE_PKCE": env_flag(values, "OIDC_USE_PKCE", True),
        "OIDC_VERIFY_SSL": env_flag(values, "OIDC_VERIFY_SSL", True),
        "OIDC_TIMEOUT": timeout,
        "OIDC_CREATE_USER": env_flag(values, "OIDC_CREATE_USER", True),
        # ours (accounts.oidc)
        "OIDC_CLAIM_USERNAME": username_claim,
        "OIDC_CLAIM_GROUPS": values.get("OIDC_CLAIM_GROUPS", "groups").strip(),
        "OIDC_CLAIM_DEPARTMENT": values.get("OIDC_CLAIM_DEPARTMENT", "").strip(),
        "OIDC_ROLE_GROUPS": roles,
        "LOCAL_SIGN_IN": local,
        # axes counts password sign-ins only (accounts.oidc.axes_skips_openid_answers)
        "AXES_WHITELIST_CALLABLE": "accounts.oidc.axes_skips_openid_answers",
        # mozilla-django-oidc's callback, under /oidc/ (accounts.oidc_urls)
        "OIDC_AUTHENTICATION_CALLBACK_URL": "oidc:callback",
    }
