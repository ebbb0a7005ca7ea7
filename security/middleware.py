"""Sends users whose role needs two-factor to enrolment or verification before anything else.

Pages (the admin included) redirect to the enrolment page (no confirmed device yet) or the
verification page (device, but this session has not entered a code). The API answers 403 to a
*session* that has not been verified, so the session cookie of a half-signed-in officer opens
nothing; Bearer-token requests carry no session (the user is anonymous here) and are left to
DRF's token authentication: tokens are created on a page that itself requires the second factor.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from . import twofactor

# URL names any signed-in user may reach before the second factor.
EXEMPT_URL_NAMES = {
    "login",
    "logout",
    "set_language",
    "health",
    "security:otp-enrol",
    "security:otp-verify",
}


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and twofactor.is_required(user)
            and not twofactor.is_verified(request)
            and not self._exempt(request.path_info)
        ):
            if request.path_info.startswith("/api/"):
                return JsonResponse(
                    {"detail": _("Two-factor verification is required for this account.")},
                    status=403,
                    json_dumps_params={"ensure_ascii": False},
                )
            target = "security:otp-verify" if twofactor.has_device(user) else "security:otp-enrol"
            url = reverse(target)
            if request.method == "GET":
                url += "?" + urlencode({"next": request.get_full_path()})
            return redirect(url)
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        static_url = "/" + settings.STATIC_URL.lstrip("/")
        if path.startswith(static_url) or path == "/favicon.ico":
            return True
        try:
            match = resolve(path)
        except Resolver404:
            return False
        return match.view_name in EXEMPT_URL_NAMES
