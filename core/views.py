from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.policy import OFFICERS
from accounts.roles import user_roles

from .health import health_report


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
def home(request):
    return render(request, "core/home.html")


@login_required
@require_GET
def file_download(request, model, pk, field):
    """Every stored file: policy check on the owning record, audit entry, then the bytes."""
    from . import files

    return files.download(request, model, pk, field)
