"""DRF authentication by personal API token (`Authorization: Bearer <token>`), the scope
permission and the throttles.

A read-only token is refused on unsafe methods twice over: by `TokenScopePermission` (in
DEFAULT_PERMISSION_CLASSES) and by the authentication itself, because views that set their own
`permission_classes` replace the defaults and must not become writable through a read token.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions, permissions
from rest_framework.throttling import SimpleRateThrottle

from . import services
from .models import ApiToken


class ReadOnlyToken(exceptions.PermissionDenied):
    default_detail = _("This API token is read-only.")
    default_code = "read_only_token"


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid Authorization header."))
        try:
            raw = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid Authorization header."))
        token = services.token_authenticate(raw)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked API token."))
        if request.method not in permissions.SAFE_METHODS and not token.can_write:
            raise ReadOnlyToken()
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class TokenScopePermission(permissions.BasePermission):
    """Unsafe methods need a read-write token when the request came with a token."""

    message = ReadOnlyToken.default_detail

    def has_permission(self, request, view):
        token = request.auth
        if isinstance(token, ApiToken) and not token.can_write:
            return request.method in permissions.SAFE_METHODS
        return True


class AlertSourceThrottle(SimpleRateThrottle):
    """Alert intake is unauthenticated at the DRF level (the HMAC is checked in the view): the
    rate is per source, not per client address."""

    scope = "alerts"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": view.kwargs.get("source", "")}
