"""The product's own pages for creating a counterparty, an agreement and a meeting (issue 18):
officers start and finish on the product's pages; each page also links to the same form in
the admin, and the admin sends them back to where they came from (`?next=`)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from accounts import policy
from core import pages

from . import forms_create, services


def _may(request, action: str) -> None:
    if not request.user.is_authenticated:
        raise PermissionDenied
    if not policy.allows(request.user, action):
        raise PermissionDenied


def safe_next(request, default: str) -> str:
    """Where to go back to: the `next` the page was opened with, if it is one of ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _admin_link(name: str, back: str) -> str:
    return f"{reverse(name)}?next={back}"


def counterparty_new(request):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.get_full_path()}")
    _may(request, "governance.counterparty.create")
    form = forms_create.CounterpartyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        counterparty, ok = pages.run(
            request,
            services.counterparty_create,
            form=form,
            success=_("Counterparty %(name)s created.") % {"name": form.cleaned_data["name"]},
            **form.cleaned_data,
        )
        if ok:
            default = reverse("governance:agreement-new") + f"?counterparty={counterparty.pk}"
            target = safe_next(request, default)
            if target != default and "counterparty=" not in target:
                joiner = "&" if "?" in target else "?"
                target = f"{target}{joiner}counterparty={counterparty.pk}"
            return redirect(target)
    return render(
        request,
        "governance/counterparty_form.html",
        {
            "form": form,
            "next": safe_next(request, ""),
            "admin_url": _admin_link(
                "admin:governance_counterparty_add", reverse("governance:agreement-list")
            ),
        },
    )


def agreement_new(request):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.get_full_path()}")
    _may(request, "governance.agreement.create")
    initial = {}
    if request.GET.get("counterparty", "").isdigit():
        initial["counterparty"] = int(request.GET["counterparty"])
    form = forms_create.AgreementForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        agreement, ok = pages.run(
            request,
            services.agreement_create,
            form=form,
            success=_("Agreement created as a draft; attach the signed document and submit it."),
            document=form.cleaned_data.get("document"),
            **form.service_fields(),
        )
        if ok:
            return redirect(agreement.get_absolute_url())
    here = reverse("governance:agreement-new")
    return render(
        request,
        "governance/agreement_form.html",
        {
            "form": form,
            "new_counterparty_url": reverse("governance:counterparty-new") + f"?next={here}",
            "may_create_counterparty": policy.allows(
                request.user, "governance.counterparty.create"
            ),
            "admin_url": _admin_link(
                "admin:governance_cooperationagreement_add", reverse("governance:agreement-list")
            ),
        },
    )


def meeting_new(request):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.get_full_path()}")
    _may(request, "governance.meeting.create")
    form = forms_create.MeetingForm(request.POST or None, initial={"organiser": request.user.pk})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        meeting, ok = pages.run(
            request,
            services.meeting_create,
            form=form,
            success=_("Meeting planned."),
            kind=data["kind"],
            title=data["title"],
            scheduled_at=data["scheduled_at"],
            organiser=data["organiser"],
            attendees=list(data["attendees"]),
            agenda=data["agenda"],
            location=data["location"],
            duration_minutes=data["duration_minutes"],
        )
        if ok:
            return redirect(meeting.get_absolute_url())
    return render(
        request,
        "governance/meeting_form.html",
        {
            "form": form,
            "admin_url": _admin_link(
                "admin:governance_meeting_add", reverse("governance:meeting-list")
            ),
        },
    )
