from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services
from .events import kinds as event_kinds
from .forms import PreferencesForm
from .ics import feed_for
from .models import CalendarFeed


@login_required
def inbox(request):
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(selectors.inbox_for(user=request.user, unread_only=unread_only), 30).get_page(
        request.GET.get("page")
    )
    feed = services.calendar_feed_for(user=request.user)
    feed_url = request.build_absolute_uri(reverse("notifications:ics", args=[feed.token]))
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "unread_only": unread_only, "feed_url": feed_url},
    )


@login_required
@require_POST
def mark_read(request):
    ids = request.POST.getlist("item")
    item_ids = None if request.POST.get("all") == "1" else [i for i in ids if i.isdigit()]
    count = services.inbox_mark_read(user=request.user, item_ids=item_ids)
    messages.success(request, _("%(count)d marked read.") % {"count": count})
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(  # only a path on this site: not //evil.example
        target, allowed_hosts=None, require_https=request.is_secure()
    ):
        target = reverse("notifications:inbox")
    return redirect(target)


@login_required
@require_POST
def reset_feed(request):
    services.calendar_feed_reset(user=request.user)
    messages.success(request, _("Your calendar address was changed; the old one no longer works."))
    return redirect("notifications:inbox")


@require_GET
def ics(request, token):
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404
    response = HttpResponse(feed_for(feed.user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="deadlines.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
def preferences(request):
    """The user's own notification preferences: language of messages, e-mail copies of events."""
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your notification preferences were saved."))
        return redirect("notifications:preferences")
    kinds = sorted(event_kinds().values(), key=lambda k: k.code)
    return render(request, "notifications/preferences.html", {"form": form, "event_kinds": kinds})
