"""Pages of the catalogue, the pre-share gate and the ledger of transfers (thin: parse, call one
service or selector, render)."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts import policy
from accounts.policy import can_write
from accounts.policy.pages import writer_action
from core import pages
from core.exports import XLSX, download

from . import exports, forms_sharing, selectors_sharing
from .catalogue_io import catalogue_xlsx
from .models import (
    ApprovalRule,
    BulkThreshold,
    CatalogueVersion,
    SharingRequest,
    today_local,
)
from .services import catalogue as catalogue_services
from .services import sharing_gate

# --- Catalogue -----------------------------------------------------------------------------


@login_required
@require_safe
def catalogue(request):
    version_id = request.GET.get("version")
    versions = CatalogueVersion.objects.select_related("created_by", "approved_by")
    if version_id and version_id.isdigit():
        version = get_object_or_404(versions, pk=version_id)
    else:
        version = selectors_sharing.catalogue_in_force() or versions.first()
    form = forms_sharing.CatalogueSearchForm(
        request.GET or None, categories=selectors_sharing.catalogue_categories(version)
    )
    filters = form.cleaned_data if form.is_valid() else {}
    items = selectors_sharing.catalogue_search(
        version=version if version and policy.can_see(request.user, version) else None,
        text=filters.get("q") or "",
        category=filters.get("category") or "",
        level=filters.get("level"),
        tier=filters.get("tier") or "",
    )
    return render(
        request,
        "governance/catalogue.html",
        {
            "version": version,
            "versions": versions[:20],
            "form": form,
            "items": items[:500],
            "total": items.count(),
            "import_form": forms_sharing.CatalogueImportForm(),
            "approval_form": forms_sharing.CatalogueApprovalForm(),
            "may_import": policy.allows(request.user, "governance.catalogue.import"),
        },
    )


@writer_action
def catalogue_import(request):
    if not policy.allows(request.user, "governance.catalogue.import"):
        raise PermissionDenied
    result, ok = pages.submit(
        request,
        forms_sharing.CatalogueImportForm(request.POST, request.FILES),
        _catalogue_import,
    )
    if ok:
        messages.success(
            request,
            _("Version %(n)s imported as a draft with %(count)d items; it needs approval.")
            % {"n": result.number, "count": result.items.count()},
        )
        return redirect(f"{_url('governance:catalogue')}?version={result.pk}")
    return redirect("governance:catalogue")


def _catalogue_import(*, table, **fields):
    """The service takes the uploaded table's bytes and name."""
    return catalogue_services.catalogue_import(content=table.read(), file_name=table.name, **fields)


def _url(name, *args):
    from django.urls import reverse

    return reverse(name, args=args)


@writer_action
def catalogue_approve(request, pk):
    version = get_object_or_404(CatalogueVersion, pk=pk)
    pages.submit(
        request,
        forms_sharing.CatalogueApprovalForm(request.POST),
        catalogue_services.catalogue_approve,
        success=_("The grading is approved; this version is now in force."),
        version=version,
    )
    return redirect(f"{_url('governance:catalogue')}?version={version.pk}")


@login_required
@require_safe
def catalogue_export(request, pk):
    version = get_object_or_404(CatalogueVersion.objects.visible_to(request.user), pk=pk)
    return download(catalogue_xlsx(version), XLSX, f"catalogue-v{version.number}.xlsx")


# --- Sharing requests ----------------------------------------------------------------------


@login_required
@require_safe
def sharing_request_list(request):
    form = forms_sharing.SharingRequestForm(
        user=request.user,
        initial={
            "valid_from": today_local(),
            "valid_until": today_local() + datetime.timedelta(days=30),
        },
    )
    state = request.GET.get("state", "")
    if state not in SharingRequest.State.values:
        state = ""
    return render(
        request,
        "governance/sharing_request_list.html",
        {
            "form": form,
            "requests": selectors_sharing.sharing_requests_for(request.user, state=state)[:200],
            "state": state,
            "states": SharingRequest.State.choices,
            "can_write": can_write(request.user),
            "rules": ApprovalRule.objects.filter(active=True),
            "thresholds": BulkThreshold.objects.all(),
        },
    )


@writer_action
def sharing_request_create(request):
    form = forms_sharing.SharingRequestForm(request.POST, user=request.user)
    result, ok = pages.submit(request, form, sharing_gate.sharing_request_create, redisplay=True)
    if ok:
        messages.success(
            request,
            _("Request %(ref)s recorded: %(state)s.")
            % {"ref": result.reference, "state": result.get_state_display()},
        )
        return redirect(result.get_absolute_url())
    return render(
        request,
        "governance/sharing_request_list.html",
        {
            "form": form,
            "requests": selectors_sharing.sharing_requests_for(request.user)[:200],
            "states": SharingRequest.State.choices,
            "can_write": True,
            "rules": ApprovalRule.objects.filter(active=True),
            "thresholds": BulkThreshold.objects.all(),
        },
        status=400,
    )


def _visible_request(request, pk):
    return get_object_or_404(
        SharingRequest.objects.visible_to(request.user).select_related(
            "agreement", "counterparty", "matched_rule", "requested_by", "assessed_by"
        ),
        pk=pk,
    )


@login_required
@require_safe
def sharing_request_detail(request, pk):
    obj = _visible_request(request, pk)
    waiting_for = sharing_gate.next_approver(obj) if obj.state == "pending" else None
    events, _next = selectors_sharing.ledger_page(request.user, request_id=obj.pk, size=20)
    return render(
        request,
        "governance/sharing_request_detail.html",
        {
            "obj": obj,
            "items": obj.items.select_related("version"),
            "approvals": obj.approvals.select_related("decided_by"),
            "waiting_for": waiting_for,
            "may_decide": waiting_for is not None and sharing_gate.holds(request.user, waiting_for),
            "assessment_form": forms_sharing.AssessmentForm(),
            "comment_form": forms_sharing.CommentForm(),
            "checksum_form": forms_sharing.ChecksumForm(),
            "may_withdraw": policy.allows(request.user, "governance.sharing_request.withdraw", obj),
            "events": events,
            "can_write": can_write(request.user),
        },
    )


@writer_action
def sharing_request_assess(request, pk):
    obj = _visible_request(request, pk)
    pages.submit(
        request,
        forms_sharing.AssessmentForm(request.POST),
        # The service names the sharing request `request`, as the page's HTTP request is named.
        lambda **data: sharing_gate.sharing_request_assess(request=obj, **data),
        success=_("Security assessment recorded."),
    )
    return redirect(obj.get_absolute_url())


def _decide(request, obj, *, approve: bool):
    pages.submit(
        request,
        forms_sharing.CommentForm(request.POST),
        # The services name the sharing request `request`, as the page's HTTP request is named.
        lambda **data: sharing_gate.sharing_request_decide(request=obj, approve=approve, **data),
        success=_("Decision recorded."),
    )


@writer_action
def sharing_request_approve(request, pk):
    obj = _visible_request(request, pk)
    _decide(request, obj, approve=True)
    return redirect(obj.get_absolute_url())


@writer_action
def sharing_request_refuse(request, pk):
    obj = _visible_request(request, pk)
    _decide(request, obj, approve=False)
    return redirect(obj.get_absolute_url())


@writer_action
def sharing_request_withdraw(request, pk):
    obj = _visible_request(request, pk)
    pages.attempt(
        request,
        lambda: sharing_gate.sharing_request_withdraw(actor=request.user, request=obj),
        success=_("Request withdrawn."),
    )
    return redirect(obj.get_absolute_url())


@writer_action
def sharing_request_checksum(request, pk):
    obj = _visible_request(request, pk)
    pages.submit(
        request,
        forms_sharing.ChecksumForm(request.POST),
        lambda **data: sharing_gate.sharing_request_declare_checksum(request=obj, **data),
        success=_("Checksum declared."),
    )
    return redirect(obj.get_absolute_url())


# --- Ledger --------------------------------------------------------------------------------


def _int(value):
    return int(value) if value and str(value).isdigit() else None


@login_required
@require_safe
def ledger(request):
    filters = {
        "request_id": _int(request.GET.get("request")),
        "mismatch": request.GET.get("mismatch") == "1",
        "counterparty_id": _int(request.GET.get("counterparty")),
    }
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        if not policy.allows(request.user, "governance.ledger.export"):
            raise PermissionDenied
        events = selectors_sharing.ledger_events(request.user, **filters)
        header, rows = selectors_sharing.ledger_export_rows(events)
        if fmt == "csv":
            return exports.csv_response(header, rows, "ledger.csv")
        return exports.xlsx_response([(_("Ledger"), header, list(rows)[:200_000])], "ledger.xlsx")
    events, next_before = selectors_sharing.ledger_page(
        request.user, before=_int(request.GET.get("before")), **filters
    )
    query = "&".join(
        f"{k}={request.GET[k]}"
        for k in ("request", "mismatch", "counterparty")
        if request.GET.get(k)
    )
    return render(
        request,
        "governance/ledger.html",
        {
            "events": events,
            "next_before": next_before,
            "mismatch": filters["mismatch"],
            "query": query,
            "may_export": policy.allows(request.user, "governance.ledger.export"),
        },
    )


@login_required
@require_safe
def ledger_usage(request):
    if not policy.allows(request.user, "governance.ledger.export"):
        raise PermissionDenied
    end = today_local()
    form = forms_sharing.UsagePeriodForm(request.GET or None)
    # A bad value is shown with its error beside the default period, never a 500.
    days = (form.cleaned_data["days"] if form.is_valid() else None) or form.DEFAULT_DAYS
    start = end - datetime.timedelta(days=days - 1)
    usage = selectors_sharing.shared_source_usage(start=start, end=end)
    return render(
        request,
        "governance/ledger_usage.html",
        {"usage": usage, "start": start, "end": end, "days": days, "form": form},
    )
