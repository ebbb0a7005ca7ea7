from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseForbidden
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from . import home as home_panels


@login_required
def home(request):
    """A home per role: the panels the user's roles registered (core.home)."""
    return render(request, "core/home.html", {"panels": home_panels.render_panels(request)})


@require_GET
def metrics(request):
    """Prometheus scrape (core.metrics): for the monitoring network or the bearer of its token."""
    from . import metrics as ops

    if not ops.metrics_allowed(request):
        return HttpResponseForbidden(_("Metrics are for the monitoring system only."))
    return HttpResponse(ops.render(), content_type=CONTENT_TYPE_LATEST)


@login_required
@require_GET
def search(request):
    """The one search box (core.search): each app's sources, filtered by the visibility rule."""
    from . import search as registry

    query = registry.clean_query(request.GET.get("q", ""))
    too_short = 0 < len(query) < registry.MIN_QUERY
    sections = registry.search(request.user, query) if query and not too_short else []
    return render(
        request,
        "core/search.html",
        {"search_query": query, "sections": sections, "too_short": too_short},
    )
