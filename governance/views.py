"""Pages: thin views that parse input, call one service or selector, and render."""

import datetime
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import policy
from accounts.policy import can_write, sees_everything
from core.errors import ApplicationError

from . import exports, forms, selectors, services
from .charts import year_bars
from .models import (
    ActionItem,
    CooperationAgreement,
    Meeting,
    ObligationPeriod,
    SharingRegistration,
)


def firm_wide_only(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not sees_everything(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def _form_errors(form) -> str:
    return " ".join(str(e) for errs in form.errors.values() for e in errs)


def _limited(request, form_class, field, post_name=None):
    """One posted text through its form's limits (length). Returns the value, or None after an
    error message. A missing value is passed on as "" so the service's own message explains it."""
    post_name = post_name or field
    form = form_class({field: request.POST.get(post_name, "")})
    if form.is_valid():
        return form.cleaned_data[field]
    errors = [e for e in form.errors.as_data().get(field, []) if e.code != "required"]
    if not errors:
        return ""
    messages.error(request, " ".join(m for e in errors for m in e.messages))
    return None


def _run(request, func, success, **kwargs):
    """Call a service; an ApplicationError becomes a message on the page."""
    if not can_write(request.user):
        raise PermissionDenied
    try:
        result = func(actor=request.user, **kwargs)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return None
    messages.success(request, success)
    return result or True


# --- dashboard --------------------------------------------------------------------------------


def _year(request):
    try:
        return int(request.GET.get("year", ""))
    except ValueError:
        return None


def _dashboard_context(request):
    dashboard = selectors.compliance_dashboard(user=request.user, year=_year(request))
    statuses = [
        (label, dashboard.agreements_by_status.get(code, 0))
        for code, label in CooperationAgreement.Status.choices
    ]
    return {
        "d": dashboard,
        "chart": year_bars(dashboard.summaries),
        "statuses": statuses,
        "generated_at": timezone.now(),
    }


@firm_wide_only
def dashboard(request):
    return render(request, "governance/dashboard.html", _dashboard_context(request))


@firm_wide_only
def dashboard_pdf(request):
    ctx = _dashboard_context(request)
    return exports.pdf_response(
        "governance/dashboard_pdf.html", ctx, f"compliance-{ctx['d'].year}.pdf", request
    )


@firm_wide_only
def dashboard_xlsx(request):
    d = selectors.compliance_dashboard(user=request.user, year=_year(request))
    return exports.xlsx_response(exports.dashboard_sheets(d), f"compliance-{d.year}.xlsx")


@firm_wide_only
def period_detail(request, pk):
    period = get_object_or_404(
        ObligationPeriod.objects.visible_to(request.user).select_related("obligation"), pk=pk
    )
    form = forms.EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        if _run(
            request,
            services.obligation_evidence_attach,
            _("Evidence attached."),
            period=period,
            **form.cleaned_data,
        ):
            return redirect("governance:period-detail", pk=period.pk)
    return render(
        request,
        "governance/period_detail.html",
        {"period": period, "evidence": period.manual_evidence.all(), "form": form},
    )


# --- agreements -------------------------------------------------------------------------------


@login_required
def agreement_list(request):
    status = request.GET.get("status") or None
    agreements = selectors.agreement_list(user=request.user, status=status)
    return render(
        request,
        "governance/agreement_list.html",
        {
            "agreements": agreements,
            "statuses": CooperationAgreement.Status.choices,
            "status": status,
        },
    )


@login_required
def agreement_detail(request, pk):
    agreement = get_object_or_404(
        CooperationAgreement.objects.visible_to(request.user).select_related(
            "counterparty", "owner", "approved_by", "parent"
        ),
        pk=pk,
    )
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "document":
            form = forms.DocumentForm(request.POST, request.FILES)
            if form.is_valid():
                _run(
                    request,
                    services.agreement_attach_document,
                    _("Document stored."),
                    agreement=agreement,
                    file=form.cleaned_data["document"],
                    signed_on=form.cleaned_data["signed_on"],
                )
            else:
                messages.error(request, _form_errors(form))
        elif action == "submit":
            _run(
                request,
                services.agreement_submit,
                _("Submitted for approval."),
                agreement=agreement,
            )
        elif action in ("approve", "return", "terminate", "suspend", "resume"):
            text = _limited(request, forms.DecisionForm, "comment")
            if text is None:
                return redirect("governance:agreement-detail", pk=agreement.pk)
            func, done, kwargs = {
                "approve": (
                    services.agreement_approve,
                    _("Agreement approved."),
                    {"comment": text},
                ),
                "return": (services.agreement_return, _("Agreement returned."), {"comment": text}),
                "terminate": (
                    services.agreement_terminate,
                    _("Agreement terminated."),
                    {"reason": text},
                ),
                "suspend": (
                    services.agreement_suspend,
                    _("Agreement suspended."),
                    {"reason": text},
                ),
                "resume": (services.agreement_resume, _("Agreement resumed."), {"note": text}),
            }[action]
            _run(request, func, done, agreement=agreement, **kwargs)
        return redirect("governance:agreement-detail", pk=agreement.pk)
    from deadlines.services import deadlines_for

    return render(
        request,
        "governance/agreement_detail.html",
        {
            "a": agreement,
            "deadlines": deadlines_for(agreement),
            "amendments": agreement.amendments.all(),
            "document_form": forms.DocumentForm(),
            "can_write": policy.allows(request.user, "governance.agreement.change", agreement),
            "can_suspend": policy.allows(request.user, "governance.agreement.suspend", agreement),
        },
    )


# --- sharing registrations and the log --------------------------------------------------------


@login_required
def registration_list(request):
    form = forms.RegistrationForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not can_write(request.user):
            raise PermissionDenied
        if form.is_valid():
            try:
                registration = services.sharing_registration_create(
                    actor=request.user, **form.cleaned_data
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("Registration %(ref)s recorded: %(state)s.")
                    % {"ref": registration.reference, "state": registration.get_state_display()},
                )
                return redirect("governance:registration-list")
    registrations = (
        SharingRegistration.objects.visible_to(request.user)
        .select_related("counterparty", "agreement", "requested_by")
        .order_by("-created_at")[:200]
    )
    return render(
        request,
        "governance/registration_list.html",
        {"form": form, "registrations": registrations, "can_write": can_write(request.user)},
    )


@login_required
@require_POST
def registration_decide(request, pk):
    registration = get_object_or_404(SharingRegistration.objects.visible_to(request.user), pk=pk)
    action = request.POST.get("action")
    comment = request.POST.get("comment", "")
    S = SharingRegistration.State
    if action == "approve" and registration.state == S.AWAITING_AUTHORITY:
        func, kwargs = services.sharing_registration_authority_approve, {"comment": comment}
    elif action == "approve":
        func, kwargs = services.sharing_registration_approve, {"comment": comment}
    else:
        func, kwargs = services.sharing_registration_refuse, {"reason": comment}
    _run(request, func, _("Decision recorded."), registration=registration, **kwargs)
    return redirect("governance:registration-list")


def _log_entries(request):
    form = forms.SharingLogFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = selectors.sharing_log_list(
        user=request.user, **{k: v for k, v in filters.items() if v not in ("", None)}
    )
    return form, entries


@login_required
def sharing_log(request):
    form, entries = _log_entries(request)
    fmt = request.GET.get("format")
    if fmt == "csv":
        header, rows = exports.sharing_log_rows(entries)
        return exports.csv_response(header, rows, "sharing-log.csv")
    if fmt == "xlsx":
        header, rows = exports.sharing_log_rows(entries)
        return exports.xlsx_response([(_("Sharing log"), header, rows)], "sharing-log.xlsx")
    return render(
        request,
        "governance/sharing_log.html",
        {"form": form, "entries": entries[:500], "query": request.GET.urlencode()},
    )


# --- contact directory ------------------------------------------------------------------------


@login_required
def directory(request):
    assignments = list(selectors.contact_directory(user=request.user))
    fmt = request.GET.get("format")
    if fmt == "xlsx":
        header, rows = exports.directory_rows(assignments)
        return exports.xlsx_response([(_("Contact directory"), header, rows)], "contacts.xlsx")
    if fmt == "vcf":
        response = HttpResponse(
            exports.vcards(assignments), content_type="text/vcard; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="contacts.vcf"'
        return response
    return render(request, "governance/directory.html", {"assignments": assignments})


# --- meetings ---------------------------------------------------------------------------------


@login_required
def meeting_list(request):
    year = _year(request) or timezone.localdate().year
    meetings = selectors.meeting_list(user=request.user, year=year)
    return render(
        request,
        "governance/meeting_list.html",
        {"meetings": meetings, "year": year, "years": [year - 1, year, year + 1]},
    )


@login_required
def meeting_detail(request, pk):
    meeting = get_object_or_404(
        Meeting.objects.visible_to(request.user).select_related("organiser", "minutes_approved_by"),
        pk=pk,
    )
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "minutes":
            minutes = _limited(request, forms.MinutesForm, "minutes")
            if minutes is not None:
                _run(
                    request,
                    services.meeting_minutes_save,
                    _("Minutes saved."),
                    meeting=meeting,
                    minutes=minutes,
                )
        elif action == "held":
            form = forms.AttendanceForm(request.POST)
            if form.is_valid():
                _run(
                    request,
                    services.meeting_record_held,
                    _("Meeting recorded as held."),
                    meeting=meeting,
                    present=form.cleaned_data["present"],
                    held_at=form.cleaned_data["held_at"],
                )
            else:
                messages.error(request, _("Record who was present."))
        elif action == "decision":
            text = _limited(request, forms.TextForm, "text")
            if text is not None:
                _run(
                    request,
                    services.meeting_decision_add,
                    _("Decision added."),
                    meeting=meeting,
                    text=text,
                )
        elif action == "action_item":
            form = forms.ActionItemForm(request.POST)
            if form.is_valid():
                _run(
                    request,
                    services.action_item_add,
                    _("Action item added."),
                    meeting=meeting,
                    **form.cleaned_data,
                )
            else:
                messages.error(request, _("An action needs a title, an owner and a due date."))
        elif action == "done":
            item = get_object_or_404(ActionItem, pk=request.POST.get("item"), meeting=meeting)
            _run(request, services.action_item_complete, _("Action item done."), item=item)
        elif action == "attachment":
            form = forms.AttachmentForm(request.POST, request.FILES)
            if form.is_valid():
                _run(
                    request,
                    services.meeting_attachment_add,
                    _("Attachment stored."),
                    meeting=meeting,
                    file=form.cleaned_data["file"],
                )
            else:
                messages.error(request, _form_errors(form))
        elif action == "invite":
            _run(
                request, services.meeting_send_invitations, _("Invitations sent."), meeting=meeting
            )
        elif action == "approve":
            _run(
                request,
                services.meeting_minutes_approve,
                _("Minutes approved and locked."),
                meeting=meeting,
            )
        return redirect("governance:meeting-detail", pk=meeting.pk)
    attendees = meeting.attendees.select_related("user").order_by("user__username")
    return render(
        request,
        "governance/meeting_detail.html",
        {
            "m": meeting,
            "attendees": attendees,
            "decisions": meeting.decisions.all(),
            "actions": meeting.action_items.select_related("owner"),
            "attachments": meeting.attachments.all(),
            "attendance_form": forms.AttendanceForm(
                initial={"present": [a.user_id for a in attendees], "held_at": meeting.scheduled_at}
            ),
            "action_form": forms.ActionItemForm(
                initial={"due_on": timezone.localdate() + datetime.timedelta(days=30)}
            ),
            # The role in the meeting decides: its organiser (or an officer) writes the record.
            "can_write": policy.allows(request.user, "governance.meeting.minutes", meeting),
        },
    )


@login_required
def meeting_ics(request, pk):
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user), pk=pk)
    response = HttpResponse(
        services.meeting_ics(meeting, method="PUBLISH"), content_type="text/calendar"
    )
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response
