from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import health_report


@never_cache
@require_GET
def health(request):
    report = health_report()
    status = 200 if report["status"] == "ok" else 503
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
