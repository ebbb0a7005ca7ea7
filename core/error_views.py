"""Error pages in Chinese inside the layout (config/urls.py handler403/404/500,
settings.CSRF_FAILURE_VIEW). The 500 page is standalone: it renders without a request, so
nothing that failed (the database, a context processor) is needed to show it."""

from django.http import HttpResponseForbidden, HttpResponseNotFound, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme


def permission_denied(request, exception=None):
    message = str(exception) if exception is not None and str(exception) else ""
    context = {"message": message}
    html = loader.render_to_string("core/errors/403.html", context, request)
    return HttpResponseForbidden(html)


def page_not_found(request, exception=None):  # noqa: ARG001 - Django's handler signature
    html = loader.render_to_string("core/errors/404.html", {}, request)
    return HttpResponseNotFound(html)


def server_error(request):  # noqa: ARG001 - renders without it (nothing may be working)
    return HttpResponseServerError(loader.get_template("500.html").render())


def csrf_failure(request, reason=""):
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = ""
    return render(request, "core/errors/csrf.html", {"back": back, "reason": reason}, status=403)
