"""Sign-in with the firm's identity provider over OpenID Connect (mozilla-django-oidc).

`accounts.oidc_config.oidc_settings` turns the `OIDC_*` environment into settings; config/urls.py
mounts `accounts.oidc_urls` only then, and the sign-in page offers the provider's button only when
that route exists (docs/directory-sign-in.md, "OpenID Connect").

- `OIDCBackend`: the authorization-code flow (PKCE, nonce, state) and the RS256 signature check
  are mozilla-django-oidc's; we also check the ID token's issuer and audience. The local user is
  found by the user-name claim (`preferred_username`), created at the first sign-in with an
  unusable password (the provider keeps the password), and its name, e-mail and department are
  copied at every sign-in. Roles follow the groups claim with the directory's mapping machinery
  (accounts.identity.sync_roles, `OIDC_ROLE_<ROLE>`): a member gains the role, a former member
  loses it at the next sign-in.
- `OIDCCallbackView`: what the provider sends back. Refusals (declined consent, an expired or
  forged state, a provider that cannot be reached, an account we cannot accept) end on a page in
  the user's language that says what to do, never a server error.

axes stays the first backend (for passwords: `axes_skips_openid_answers`); two-factor (TOTP) is still asked after sign-in by
`security.middleware.TwoFactorMiddleware` for the roles in `TWO_FACTOR_REQUIRED_ROLES`.
"""

import logging
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView

from .identity import checked_role_groups, department_for, sync_roles

logger = logging.getLogger(__name__)


def _setting(name: str):
    """Ours from accounts.oidc_config.oidc_settings (always set when the backend is)."""
    return getattr(settings, name)


def _text(claims: dict, name: str) -> str:
    value = claims.get(name) if name else None
    return value.strip() if isinstance(value, str) else ""


def _groups(claims: dict) -> set[str]:
    """The groups claim: a list of names (or identifiers), or one space-separated string."""
    value = claims.get(_setting("OIDC_CLAIM_GROUPS"))
    if isinstance(value, str):
        return set(value.split())
    if isinstance(value, list | tuple):
        return {str(group) for group in value}
    return set()


def axes_skips_openid_answers(request, credentials=None) -> bool:  # noqa: ARG001 - axes' signature
    """axes' AXES_WHITELIST_CALLABLE while OIDC is on: the provider's answers (the callback passes
    the nonce it kept) are neither refused nor counted by axes. They carry no password to guess
    and no user name before the code is exchanged, so axes would count every refused answer under
    (no user name, address) and, after five, lock out every OpenID sign-in from that address (an
    office behind one proxy). Password sign-ins are counted and locked out as before."""
    return "nonce" in (credentials or {})


class OIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc, plus issuer/audience checks, user name, details and roles from claims."""

    def authenticate(self, request, **kwargs):
        # Only the callback (which passes the nonce it kept) exchanges a code: a password form
        # carrying ?code=&state= never reaches the provider.
        if "nonce" not in kwargs:
            return None
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        if payload.get("iss") != _setting("OIDC_OP_ISSUER"):
            raise SuspiciousOperation("ID token issued by another provider.")
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token issued to another client.")
        return payload

    def _username(self, claims) -> str:
        return _text(claims, _setting("OIDC_CLAIM_USERNAME"))[:150]

    def verify_claims(self, claims):
        if not self._username(claims):
            logger.warning(
                "OpenID sign-in refused: no %s claim (sub %s)",
                _setting("OIDC_CLAIM_USERNAME"),
                claims.get("sub"),
            )
            return False
        return True

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(username__iexact=self._username(claims))

    def describe_user_by_claims(self, claims):
        return f"user name {self._username(claims)}"

    def create_user(self, claims):
        # No password: the provider holds it; the local backend cannot sign this user in.
        with transaction.atomic():
            user = self.UserModel.objects.create_user(self._username(claims))
            return self.update_user(user, claims)

    def update_user(self, user, claims):
        with transaction.atomic():
            fields = {
                "email": _text(claims, "email"),
                "display_name": _text(claims, "name"),
                "first_name": _text(claims, "given_name"),
                "last_name": _text(claims, "family_name"),
            }
            # cut to the column (a provider may send longer values than the columns hold)
            fields = {
                name: value[: user._meta.get_field(name).max_length]
                for name, value in fields.items()
            }
            changed = [
                name for name, value in fields.items() if value and getattr(user, name) != value
            ]
            for name in changed:
                setattr(user, name, fields[name])
            department = department_for(_text(claims, _setting("OIDC_CLAIM_DEPARTMENT")))
            if department is not None and user.department_id != department.pk:
                user.department = department
                changed.append("department")
            if changed:
                user.save(update_fields=changed)
            roles = checked_role_groups(_setting("OIDC_ROLE_GROUPS"), "OIDC_ROLE_")
            added, removed = sync_roles(user, _groups(claims), roles)
        if added or removed:
            logger.info(
                "OpenID roles for %s: added %s, removed %s",
                user.username,
                sorted(added),
                sorted(removed),
            )
        return user

    def get_user(self, user_id):
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None

    # Roles decide (accounts.policy), never Django permission codenames (as accounts.backends).
    def get_user_permissions(self, user_obj, obj=None):  # noqa: ARG002 - Django's signature
        return set()

    def get_group_permissions(self, user_obj, obj=None):  # noqa: ARG002 - Django's signature
        return set()

    def get_all_permissions(self, user_obj, obj=None):  # noqa: ARG002 - Django's signature
        return set()

    def has_perm(self, user_obj, perm, obj=None):  # noqa: ARG002 - Django's signature
        return False

    def has_module_perms(self, user_obj, app_label):  # noqa: ARG002 - Django's signature
        return False


# Why a sign-in through the provider did not end signed in: the page's heading, explanation and
# what to do, and its status.
FAILURES = {
    "denied": (
        403,
        _("Sign-in was cancelled"),
        _(
            "You cancelled the sign-in or declined to let the identity service share your "
            "account details with this application, so you are not signed in."
        ),
        _(
            "To sign in, start again and approve the request on the identity service's page. "
            "If you did not cancel anything, ask IT support to check the application's "
            "registration at the identity service."
        ),
    ),
    "refused": (
        403,
        _("This account cannot sign in here"),
        _(
            "The identity service recognised you, but this application did not accept the "
            "account: it is deactivated here, or the service did not send a user name for it."
        ),
        _(
            "Ask the system administrator to check your account in this application and the "
            "claims the identity service sends (the user name claim)."
        ),
    ),
    "expired": (
        400,
        _("The sign-in request has expired"),
        _(
            "The answer from the identity service does not belong to a sign-in started in this "
            "browser: it was opened in another browser or tab, used twice, or took too long."
        ),
        _("Start again from the sign-in page. Nothing was changed."),
    ),
    "provider": (
        502,
        _("The identity service did not complete the sign-in"),
        _(
            "The identity service answered with an error, its answer could not be verified, or "
            "it could not be reached, so you are not signed in."
        ),
        _(
            "Try again in a few minutes. If it keeps failing, tell IT support the time of the "
            "attempt; administrators can still sign in with their local break-glass account."
        ),
    ),
}


def sign_in_failed(request):
    reason = request.GET.get("reason", "")
    status, heading, explanation, next_step = FAILURES.get(reason, FAILURES["provider"])
    context = {"heading": heading, "explanation": explanation, "next_step": next_step}
    return render(request, "accounts/oidc_failed.html", context, status=status)


class OIDCCallbackView(OIDCAuthenticationCallbackView):
    """The provider's answer; every refusal ends on `sign_in_failed` with its reason."""

    reason = "refused"

    def _reason_before(self, request) -> str:
        error = request.GET.get("error")
        if error:
            logger.info("OpenID provider refused the sign-in: %s", error)
            return "denied" if error in ("access_denied", "consent_required") else "provider"
        state = request.GET.get("state")
        if not request.GET.get("code") or not state:
            return "expired"
        if state not in request.session.get("oidc_states", {}):
            return "expired"
        return "refused"

    def get(self, request):
        self.reason = self._reason_before(request)
        try:
            return super().get(request)
        except SuspiciousOperation as exc:
            # an unknown state (found above), or an ID token whose signature, nonce, issuer or
            # audience is wrong
            logger.warning("OpenID sign-in refused: %s", exc)
            self.reason = "expired" if self.reason == "expired" else "provider"
        except (requests.RequestException, jwt.PyJWTError) as exc:
            logger.warning("OpenID provider unreachable or failing: %s", exc)
            self.reason = "provider"
        return self.login_failure()

    def login_failure(self):
        url = reverse("oidc:failed") + "?" + urlencode({"reason": self.reason})
        return HttpResponseRedirect(url)
