"""Pages: thin, each calls one selector or service."""

import json
import os
import tempfile
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.policy import can_write, sees_everything
from accounts.roles import Role
from core.errors import ApplicationError

from . import selectors, services
from .forms import (
    DismissForm,
    ExportForm,
    MergeForm,
    PromoteForm,
    SubscriptionForm,
    TokenForm,
)
from .models import Alert, sees_alerts

NEW_TOKEN_SESSION_KEY = "integrations.new_token"


@login_required
def tokens(request):
    form = TokenForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        days = form.cleaned_data.get("expires_in_days")
        try:
            token, raw = services.token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_at=timezone.now() + timedelta(days=days) if days else None,
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            # Shown once, on the next page only: the session entry is removed when read.
            request.session[NEW_TOKEN_SESSION_KEY] = {"id": token.pk, "secret": raw}
            return redirect("integrations:tokens")
    new_token = request.session.pop(NEW_TOKEN_SESSION_KEY, None)
    return render(
        request,
        "integrations/tokens.html",
        {
            "form": form,
            "tokens": selectors.tokens_for(user=request.user),
            "new_token": new_token,
            "schema_url": request.build_absolute_uri("/api/schema/"),
        },
    )


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(selectors.tokens_for(user=request.user), pk=pk)
    try:
        services.token_revoke(token=token, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("integrations:tokens")


# --- alert triage ---------------------------------------------------------------------------


@login_required
def alert_queue(request):
    if not sees_alerts(request.user):
        raise PermissionDenied
    state = request.GET.get("state", Alert.State.NEW)
    if state not in Alert.State.values and state != "all":
        state = Alert.State.NEW
    page = Paginator(
        selectors.alert_queue(user=request.user, state=None if state == "all" else state), 50
    ).get_page(request.GET.get("page"))
    states = [(Alert.State.NEW, Alert.State.NEW.label)]
    states += [(v, label) for v, label in Alert.State.choices if v != Alert.State.NEW]
    states.append(("all", _("All")))
    return render(
        request, "integrations/alert_queue.html", {"page": page, "state": state, "states": states}
    )


@login_required
def alert_detail(request, pk):
    alert = get_object_or_404(selectors.alert_queue(user=request.user, state=None), pk=pk)
    forms = {
        "promote": PromoteForm(
            initial={
                "title": alert.title[:200],
                "category": alert.category or alert.source.default_category,
            }
        ),
        "merge": MergeForm(user=request.user),
        "dismiss": DismissForm(),
    }
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "promote":
                forms["promote"] = form = PromoteForm(request.POST)
                if form.is_valid():
                    alert = services.alert_promote(
                        alert=alert,
                        actor=request.user,
                        title=form.cleaned_data["title"],
                        category=form.cleaned_data["category"],
                    )
                    messages.success(
                        request,
                        _("Incident %(ref)s opened from the alert.")
                        % {"ref": alert.incident.reference},
                    )
                    return redirect(alert.incident.get_absolute_url())
            elif action == "merge":
                forms["merge"] = form = MergeForm(request.POST, user=request.user)
                if form.is_valid():
                    alert = services.alert_merge(
                        alert=alert, incident=form.cleaned_data["incident"], actor=request.user
                    )
                    messages.success(
                        request,
                        _("Alert merged into %(ref)s.") % {"ref": alert.incident.reference},
                    )
                    return redirect("integrations:alert-queue")
            elif action == "dismiss":
                forms["dismiss"] = form = DismissForm(request.POST)
                if form.is_valid():
                    services.alert_dismiss(
                        alert=alert, actor=request.user, reason=form.cleaned_data["reason"]
                    )
                    messages.success(request, _("Alert dismissed."))
                    return redirect("integrations:alert-queue")
            else:
                messages.error(request, _("Choose what to do with the alert."))
        except ApplicationError as exc:
            messages.error(request, exc.message)
    return render(
        request,
        "integrations/alert_detail.html",
        {
            "alert": alert,
            "forms": forms,
            "can_act": can_write(request.user) and alert.state == Alert.State.NEW,
            "payload": json.dumps(alert.payload, ensure_ascii=False, indent=2, sort_keys=True),
        },
    )


# --- webhook subscriptions ------------------------------------------------------------------


def _officer(user) -> bool:
    return user.has_role(Role.COMPLIANCE_OFFICER) or user.is_superuser


@login_required
def webhooks(request):
    if not sees_everything(request.user):
        raise PermissionDenied
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST":
        if not _officer(request.user):
            raise PermissionDenied
        if form.is_valid():
            try:
                subscription = services.subscription_create(actor=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Subscription created."))
                return redirect("integrations:webhook-detail", subscription.pk)
    return render(
        request,
        "integrations/webhooks.html",
        {
            "subscriptions": selectors.subscriptions(user=request.user),
            "form": form,
            "can_manage": _officer(request.user),
        },
    )


@login_required
def webhook_detail(request, pk):
    subscription = get_object_or_404(selectors.subscriptions(user=request.user), pk=pk)
    can_manage = _officer(request.user)
    form = SubscriptionForm(
        request.POST if request.POST.get("action") == "update" else None,
        initial={"name": subscription.name, "url": subscription.url, "events": subscription.events},
    )
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        action = request.POST.get("action")
        try:
            if action == "update" and form.is_valid():
                services.subscription_update(
                    subscription=subscription, actor=request.user, **form.cleaned_data
                )
                messages.success(request, _("Subscription saved."))
                return redirect("integrations:webhook-detail", pk)
            if action in ("enable", "disable"):
                services.subscription_set_active(
                    subscription=subscription, actor=request.user, active=action == "enable"
                )
                messages.success(request, _("Subscription saved."))
                return redirect("integrations:webhook-detail", pk)
        except ApplicationError as exc:
            messages.error(request, exc.message)
    return render(
        request,
        "integrations/webhook_detail.html",
        {
            "subscription": subscription,
            "deliveries": selectors.deliveries(subscription=subscription),
            "form": form,
            "can_manage": can_manage,
        },
    )


# --- period export --------------------------------------------------------------------------


@login_required
def period_export(request):
    if not sees_everything(request.user):
        raise PermissionDenied
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        handle = tempfile.NamedTemporaryFile(suffix=".zip", delete=False)
        handle.close()
        try:
            services.period_export(
                actor=request.user, date_from=date_from, date_to=date_to, out=handle.name
            )
        except ApplicationError as exc:
            os.unlink(handle.name)
            form.add_error(None, exc.message)
        else:
            archive = open(handle.name, "rb")  # noqa: SIM115  (closed by FileResponse)
            os.unlink(handle.name)  # the open handle keeps the data until the response is sent
            return FileResponse(
                archive,
                as_attachment=True,
                filename=f"export-{date_from:%Y%m%d}-{date_to:%Y%m%d}.zip",
                content_type="application/zip",
            )
    return render(
        request,
        "integrations/export.html",
        {"form": form, "exports": selectors.period_exports(user=request.user)[:20]},
    )
