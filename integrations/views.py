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

from accounts import policy
from accounts.policy import sees_everything
from core import pages

from . import selectors, services
from .forms import (
    AlertFilterForm,
    DismissForm,
    ExportForm,
    MergeForm,
    PromoteForm,
    SubscriptionForm,
    TokenForm,
)
from .models import Alert, sees_alerts

NEW_TOKEN_SESSION_KEY = "integrations.new_token"  # noqa: S105 - a session key name


@login_required
def tokens(request):
    form = TokenForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        days = form.cleaned_data.get("expires_in_days")
        created, ok = pages.attempt(
            request,
            lambda: services.token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_at=timezone.now() + timedelta(days=days) if days else None,
            ),
            form=form,
        )
        if ok:
            token, raw = created
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
    pages.run(
        request,
        services.token_revoke,
        success=_("Token “%(name)s” revoked.") % {"name": token.name},
        token=token,
    )
    return redirect("integrations:tokens")


# --- alert triage ---------------------------------------------------------------------------


@login_required
def alert_queue(request):
    if not sees_alerts(request.user):
        raise PermissionDenied
    filter_form = AlertFilterForm({"state": request.GET.get("state", Alert.State.NEW)})
    state = filter_form.state_or_default()
    if filter_form.errors:  # an unknown state shows the new alerts, as the select says
        filter_form = AlertFilterForm({"state": state})
    page = Paginator(
        selectors.alert_queue(user=request.user, state=None if state == "all" else state), 50
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "integrations/alert_queue.html",
        {"page": page, "state": state, "filter_form": filter_form},
    )


def _alert(request, pk) -> Alert:
    return get_object_or_404(selectors.alert_queue(user=request.user, state=None), pk=pk)


def _alert_to_triage(request, pk) -> Alert:
    """An alert a posted triage action acts on: who may not triage is refused before the form
    is read (a form shown again would answer a read-only role with the page)."""
    alert = _alert(request, pk)
    if not policy.allows(request.user, "integrations.alert.triage", alert):
        raise PermissionDenied
    return alert


def _alert_page(request, alert, **bound):
    """The alert's page; `bound` holds a posted form to show again with its errors."""
    forms = {
        "promote": PromoteForm(
            initial={
                "title": alert.title[:200],
                "category": alert.category or alert.source.default_category,
            }
        ),
        "merge": MergeForm(user=request.user),
        "dismiss": DismissForm(),
        **bound,
    }
    return render(
        request,
        "integrations/alert_detail.html",
        {
            "alert": alert,
            "forms": forms,
            "can_act": policy.allows(request.user, "integrations.alert.triage", alert)
            and alert.state == Alert.State.NEW,
            "payload": json.dumps(alert.payload, ensure_ascii=False, indent=2, sort_keys=True),
        },
    )


@login_required
def alert_detail(request, pk):
    return _alert_page(request, _alert(request, pk))


@login_required
@require_POST
def alert_promote(request, pk):
    alert = _alert_to_triage(request, pk)
    form = PromoteForm(request.POST)
    if form.is_valid():
        promoted, ok = pages.run(
            request,
            services.alert_promote,
            alert=alert,
            title=form.cleaned_data["title"],
            category=form.cleaned_data["category"],
        )
        if ok:
            messages.success(
                request,
                _("Incident %(ref)s opened from the alert.") % {"ref": promoted.incident.reference},
            )
            return redirect(promoted.incident.get_absolute_url())
    return _alert_page(request, alert, promote=form)


@login_required
@require_POST
def alert_merge(request, pk):
    alert = _alert_to_triage(request, pk)
    form = MergeForm(request.POST, user=request.user)
    if form.is_valid():
        merged, ok = pages.run(
            request, services.alert_merge, alert=alert, incident=form.cleaned_data["incident"]
        )
        if ok:
            messages.success(
                request, _("Alert merged into %(ref)s.") % {"ref": merged.incident.reference}
            )
            return redirect("integrations:alert-queue")
    return _alert_page(request, alert, merge=form)


@login_required
@require_POST
def alert_dismiss(request, pk):
    alert = _alert_to_triage(request, pk)
    form = DismissForm(request.POST)
    if form.is_valid():
        if pages.run(
            request,
            services.alert_dismiss,
            success=_("Alert dismissed."),
            alert=alert,
            reason=form.cleaned_data["reason"],
        ):
            return redirect("integrations:alert-queue")
    return _alert_page(request, alert, dismiss=form)


# --- webhook subscriptions ------------------------------------------------------------------


NEW_WEBHOOK_SECRET_KEY = "integrations.new_webhook_secret"  # noqa: S105 - a key name


def _officer(user) -> bool:
    return policy.allows(user, "integrations.subscription.change")


@login_required
def webhooks(request):
    if not sees_everything(request.user):
        raise PermissionDenied
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST":
        if not _officer(request.user):
            raise PermissionDenied
        if form.is_valid():
            subscription, ok = pages.run(
                request,
                services.subscription_create,
                form=form,
                success=_("Subscription created."),
                **form.cleaned_data,
            )
            if ok:
                # The signing secret is shown once, on the next page, never again.
                request.session[NEW_WEBHOOK_SECRET_KEY] = {
                    "id": subscription.pk,
                    "secret": subscription.secret,
                }
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


def _subscription(request, pk):
    return get_object_or_404(selectors.subscriptions(user=request.user), pk=pk)


def _subscription_page(request, subscription, form=None):
    form = form or SubscriptionForm(
        initial={"name": subscription.name, "url": subscription.url, "events": subscription.events},
    )
    can_manage = _officer(request.user)
    new_secret = request.session.pop(NEW_WEBHOOK_SECRET_KEY, None)
    return render(
        request,
        "integrations/webhook_detail.html",
        {
            "subscription": subscription,
            "new_secret": (new_secret or {}).get("secret")
            if (new_secret or {}).get("id") == subscription.pk and can_manage
            else None,
            "deliveries": selectors.deliveries(subscription=subscription),
            "form": form,
            "can_manage": _officer(request.user),
        },
    )


@login_required
def webhook_detail(request, pk):
    return _subscription_page(request, _subscription(request, pk))


@login_required
@require_POST
def webhook_update(request, pk):
    subscription = _subscription(request, pk)
    if not _officer(request.user):
        raise PermissionDenied
    form = SubscriptionForm(request.POST)
    if form.is_valid() and pages.run(
        request,
        services.subscription_update,
        success=_("Subscription saved."),
        subscription=subscription,
        **form.cleaned_data,
    ):
        return redirect("integrations:webhook-detail", pk)
    return _subscription_page(request, subscription, form)


def _set_active(request, pk, active: bool):
    subscription = _subscription(request, pk)
    if not _officer(request.user):
        raise PermissionDenied
    pages.run(
        request,
        services.subscription_set_active,
        success=_("Subscription saved."),
        subscription=subscription,
        active=active,
    )
    return redirect("integrations:webhook-detail", pk)


@login_required
@require_POST
def webhook_enable(request, pk):
    return _set_active(request, pk, True)


@login_required
@require_POST
def webhook_disable(request, pk):
    return _set_active(request, pk, False)


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
        exported = pages.run(
            request,
            services.period_export,
            form=form,
            date_from=date_from,
            date_to=date_to,
            out=handle.name,
        )
        if not exported:
            os.unlink(handle.name)
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
