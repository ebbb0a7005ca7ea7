"""Two-factor enrolment and verification pages, and the login page shown when Axes locks out."""

import base64
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.policy import OFFICERS
from accounts.roles import user_roles
from core.health import health_report

from . import twofactor
from .forms import TokenForm


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return settings.LOGIN_REDIRECT_URL


def qr_svg(data: str) -> str:
    """The QR code as an inline <svg> element (no raster image, no Pillow)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg = image.to_string(encoding="unicode")
    return svg[svg.index("<svg") :]


def _pending_device(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)
    return device


@never_cache
@login_required
def otp_enrol(request):
    if twofactor.has_device(request.user):
        return _redirect_with_next("security:otp-verify", request)
    device = _pending_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            request.session.cycle_key()
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("token", _("The code is wrong or has expired. Enter the code shown now."))
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "security/otp_enrol.html",
        {
            "form": form,
            "qr_svg": qr_svg(device.config_url),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "next": _next_url(request),
        },
    )


@never_cache
@login_required
def otp_verify(request):
    if not twofactor.has_device(request.user):
        return _redirect_with_next("security:otp-enrol", request)
    if twofactor.is_verified(request):
        return redirect(_next_url(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None and device.confirmed:
            request.session.cycle_key()
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("token", _("The code is wrong or has expired. Enter the code shown now."))
    return render(request, "security/otp_verify.html", {"form": form, "next": _next_url(request)})


def _redirect_with_next(name, request):
    return redirect(reverse(name) + "?" + urlencode({"next": _next_url(request)}))


def lockout(request, original_response=None, credentials=None):
    """Axes' lockout response: the sign-in page again, with why and for how long (HTTP 429)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _(
        "Too many failed sign-in attempts: this account is locked for %(minutes)d minutes "
        "from your address. Try again later, or ask an administrator to unlock it."
    ) % {"minutes": minutes}
    return render(
        request,
        "security/lockout.html",
        {"form": AuthenticationForm(request), "lockout_message": message, "next": ""},
        status=429,
    )


# --- Health and stored files (ground-floor views that ask the policy) ---------------------------


@never_cache
@require_GET
def health(request):
    report = health_report()
    status = 200 if report["status"] == "ok" else 503
    if not (request.user.is_authenticated and user_roles(request.user) & OFFICERS):
        # Anyone (a load balancer) may learn whether each part is up; what failed, where
        # (the broker's error names its host and port) and when is for officers and admins.
        report = {
            key: {"status": value["status"]} if isinstance(value, dict) else value
            for key, value in report.items()
            if key != "time"
        }
    return JsonResponse(report, status=status, json_dumps_params={"ensure_ascii": False})


@login_required
@require_GET
def file_download(request, model, pk, field):
    """Every stored file: policy check on the owning record, audit entry, then the bytes."""
    from . import files

    return files.download(request, model, pk, field)
