"""Pages: thin views that parse input, call one service or selector, and render."""

import datetime
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from accounts import policy
from accounts.policy import can_write
from accounts.policy.pages import firm_wide_page, writer_action
from core import pages

from . import exports, forms, selectors, services
from .charts import year_bars, year_bars_options
from .models import (
    ActionItem,
    CooperationAgreement,
    Meeting,
    ObligationPeriod,
    SharingRegistration,
)
from .tables import SharingLogTable

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
        "year_form": forms.DashboardYearForm(
            initial={"year": dashboard.year}, years=dashboard.years
        ),
        "chart": year_bars(dashboard.summaries),
        "chart_options": year_bars_options(dashboard.summaries),
        "statuses": statuses,
        "generated_at": timezone.now(),
    }


@firm_wide_page
def dashboard(request):
    return render(request, "governance/dashboard.html", _dashboard_context(request))


@firm_wide_page
def dashboard_pdf(request):
    ctx = _dashboard_context(request)
    return exports.pdf_response(
        "governance/dashboard_pdf.html", ctx, f"compliance-{ctx['d'].year}.pdf", request
    )


@firm_wide_page
def dashboard_xlsx(request):
    d = selectors.compliance_dashboard(user=request.user, year=_year(request))
    return exports.xlsx_response(exports.dashboard_sheets(d), f"compliance-{d.year}.xlsx")


@firm_wide_page
def period_detail(request, pk):
    period = get_object_or_404(
        ObligationPeriod.objects.visible_to(request.user).select_related("obligation"), pk=pk
    )
    form = forms.EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        if not can_write(request.user):
            raise PermissionDenied
        if pages.run(
            request,
            services.obligation_evidence_attach,
            success=_("Evidence attached."),
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
    form = forms.AgreementFilterForm(request.GET)
    status = (form.cleaned_data["status"] if form.is_valid() else "") or None
    agreements = selectors.agreement_list(user=request.user, status=status)
    return render(
        request,
        "governance/agreement_list.html",
        {
            "agreements": agreements,
            "form": form,
            "may_create_agreement": policy.allows(request.user, "governance.agreement.create"),
            "may_create_counterparty": policy.allows(
                request.user, "governance.counterparty.create"
            ),
        },
    )


def _agreement(request, pk) -> CooperationAgreement:
    return get_object_or_404(CooperationAgreement.objects.visible_to(request.user), pk=pk)


@login_required
def agreement_detail(request, pk):
    agreement = get_object_or_404(
        CooperationAgreement.objects.visible_to(request.user).select_related(
            "counterparty", "owner", "approved_by", "parent"
        ),
        pk=pk,
    )
    from deadlines.services import deadlines_for

    return render(
        request,
        "governance/agreement_detail.html",
        {
            "a": agreement,
            "deadlines": deadlines_for(agreement),
            "amendments": agreement.amendments.all(),
            "document_form": forms.DocumentForm(),
            "decision_form": forms.DecisionForm(),
            "suspension_form": forms.SuspensionForm(
                suspended=agreement.suspended_at is not None, auto_id="id_suspension_%s"
            ),
            "can_write": policy.allows(request.user, "governance.agreement.change", agreement),
            "can_suspend": policy.allows(request.user, "governance.agreement.suspend", agreement),
        },
    )


@writer_action
def agreement_document(request, pk):
    agreement = _agreement(request, pk)
    pages.submit(
        request,
        forms.DocumentForm(request.POST, request.FILES),
        services.agreement_attach_document,
        success=_("Document stored."),
        rename={"document": "file"},
        agreement=agreement,
    )
    return redirect(agreement)


@writer_action
def agreement_submit(request, pk):
    agreement = _agreement(request, pk)
    pages.run(
        request,
        services.agreement_submit,
        success=_("Submitted for approval."),
        agreement=agreement,
    )
    return redirect(agreement)


def _agreement_decision(request, pk, service, success, argument, form_class=forms.DecisionForm):
    agreement = _agreement(request, pk)
    pages.submit(
        request,
        form_class(request.POST),
        service,
        success=success,
        rename={"comment": argument},
        agreement=agreement,
    )
    return redirect(agreement)


@writer_action
def agreement_approve(request, pk):
    return _agreement_decision(
        request, pk, services.agreement_approve, _("Agreement approved."), "comment"
    )


@writer_action
def agreement_return(request, pk):
    return _agreement_decision(
        request, pk, services.agreement_return, _("Agreement returned."), "comment"
    )


@writer_action
def agreement_terminate(request, pk):
    return _agreement_decision(
        request, pk, services.agreement_terminate, _("Agreement terminated."), "reason"
    )


@writer_action
def agreement_suspend(request, pk):
    return _agreement_decision(
        request,
        pk,
        services.agreement_suspend,
        _("Agreement suspended."),
        "reason",
        form_class=forms.SuspensionForm,
    )


@writer_action
def agreement_resume(request, pk):
    return _agreement_decision(
        request,
        pk,
        services.agreement_resume,
        _("Agreement resumed."),
        "note",
        form_class=partial(forms.SuspensionForm, suspended=True),
    )


# --- sharing registrations and the log --------------------------------------------------------


@login_required
def registration_list(request):
    form = forms.RegistrationForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not can_write(request.user):
            raise PermissionDenied
        registration, ok = pages.submit(
            request, form, services.sharing_registration_create, redisplay=True
        )
        if ok:
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
        {
            "form": form,
            "registrations": registrations,
            "can_write": can_write(request.user),
            # One comment form a row, each with its own ids (the label names its field).
            "rows": [
                (r, forms.InlineCommentForm(auto_id=f"id_registration_{r.pk}_%s"))
                for r in registrations
            ],
        },
    )


@writer_action
def registration_approve(request, pk):
    registration = get_object_or_404(SharingRegistration.objects.visible_to(request.user), pk=pk)
    if registration.state == SharingRegistration.State.AWAITING_AUTHORITY:
        service = services.sharing_registration_authority_approve
    else:
        service = services.sharing_registration_approve
    pages.submit(
        request,
        forms.InlineCommentForm(request.POST),
        service,
        success=_("Decision recorded."),
        registration=registration,
    )
    return redirect("governance:registration-list")


@writer_action
def registration_refuse(request, pk):
    registration = get_object_or_404(SharingRegistration.objects.visible_to(request.user), pk=pk)
    pages.submit(
        request,
        forms.InlineCommentForm(request.POST),
        services.sharing_registration_refuse,
        success=_("Decision recorded."),
        rename={"comment": "reason"},
        registration=registration,
    )
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
    table = SharingLogTable(entries)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    query = request.GET.copy()
    for key in ("page", "sort", "format"):
        query.pop(key, None)
    return render(
        request,
        "governance/sharing_log.html",
        {"form": form, "table": table, "query": query.urlencode()},
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
        {
            "meetings": meetings,
            "year": year,
            "years": [year - 1, year, year + 1],
            "may_create_meeting": policy.allows(request.user, "governance.meeting.create"),
        },
    )


@login_required
def meeting_detail(request, pk):
    meeting = get_object_or_404(
        Meeting.objects.visible_to(request.user).select_related("organiser", "minutes_approved_by"),
        pk=pk,
    )
    attendees = meeting.attendees.select_related("user").order_by("user__username")
    return render(
        request,
        "governance/meeting_detail.html",
        {
            "m": meeting,
            "attendees": attendees,
            "decisions": meeting.decisions.all(),
            "adopted_changes": meeting.adopted_changes.all(),
            "adopt_form": forms.AdoptedChangeForm(auto_id="id_adopt_%s"),
            "actions": meeting.action_items.select_related("owner"),
            "attachments": meeting.attachments.all(),
            "attendance_form": forms.AttendanceForm(
                initial={"present": [a.user_id for a in attendees], "held_at": meeting.scheduled_at}
            ),
            "action_form": forms.ActionItemForm(
                initial={"due_on": timezone.localdate() + datetime.timedelta(days=30)}
            ),
            "minutes_form": forms.MinutesForm(initial={"minutes": meeting.minutes}),
            "decision_form": forms.TextForm(),
            "attachment_form": forms.AttachmentForm(),
            # The role in the meeting decides: its organiser (or an officer) writes the record.
            "can_write": policy.allows(request.user, "governance.meeting.minutes", meeting),
        },
    )


def _meeting(request, pk) -> Meeting:
    return get_object_or_404(Meeting.objects.visible_to(request.user), pk=pk)


@writer_action
def meeting_minutes(request, pk):
    meeting = _meeting(request, pk)
    pages.submit(
        request,
        forms.MinutesForm(request.POST),
        services.meeting_minutes_save,
        success=_("Minutes saved."),
        meeting=meeting,
    )
    return redirect(meeting)


@writer_action
def meeting_minutes_approve(request, pk):
    meeting = _meeting(request, pk)
    pages.run(
        request,
        services.meeting_minutes_approve,
        success=_("Minutes approved and locked."),
        meeting=meeting,
    )
    return redirect(meeting)


@writer_action
def meeting_held(request, pk):
    meeting = _meeting(request, pk)
    pages.submit(
        request,
        forms.AttendanceForm(request.POST),
        services.meeting_record_held,
        success=_("Meeting recorded as held."),
        invalid=_("Record who was present."),
        meeting=meeting,
    )
    return redirect(meeting)


@writer_action
def meeting_decision(request, pk):
    meeting = _meeting(request, pk)
    pages.submit(
        request,
        forms.TextForm(request.POST),
        services.meeting_decision_add,
        success=_("Decision added."),
        meeting=meeting,
    )
    return redirect(meeting)


@writer_action
def meeting_adopt(request, pk):
    """The annual process review records a plan or process change it adopted (O3)."""
    meeting = _meeting(request, pk)
    pages.submit(
        request,
        forms.AdoptedChangeForm(request.POST),
        services.meeting_adopt_change,
        success=_("Adopted change recorded; it applies from next year."),
        rename={"text": "description"},
        meeting=meeting,
    )
    return redirect(meeting)


@writer_action
def meeting_action_item(request, pk):
    meeting = _meeting(request, pk)
    pages.submit(
        request,
        forms.ActionItemForm(request.POST),
        services.action_item_add,
        success=_("Action item added."),
        invalid=_("An action needs a title, an owner and a due date."),
        meeting=meeting,
    )
    return redirect(meeting)


@writer_action
def action_item_done(request, pk, item_pk):
    meeting = _meeting(request, pk)
    item = get_object_or_404(ActionItem, pk=item_pk, meeting=meeting)
    pages.run(request, services.action_item_complete, success=_("Action item done."), item=item)
    return redirect(meeting)


@writer_action
def meeting_attachment(request, pk):
    meeting = _meeting(request, pk)
    pages.submit(
        request,
        forms.AttachmentForm(request.POST, request.FILES),
        services.meeting_attachment_add,
        success=_("Attachment stored."),
        meeting=meeting,
    )
    return redirect(meeting)


@writer_action
def meeting_invite(request, pk):
    meeting = _meeting(request, pk)
    pages.run(
        request, services.meeting_send_invitations, success=_("Invitations sent."), meeting=meeting
    )
    return redirect(meeting)


@login_required
def meeting_ics(request, pk):
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user), pk=pk)
    response = HttpResponse(
        services.meeting_ics(meeting, method="PUBLISH"), content_type="text/calendar"
    )
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response
