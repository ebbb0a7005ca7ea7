"""Pages for handlers and officers. Thin: a form, one service or selector, a template. Every
object is fetched through the visibility rule; ApplicationError becomes a form error."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import policy
from core import pages
from security import files

from . import exports, forms, selectors, services
from .content import FIELD_LABELS, STAGE_FIELDS
from .models import (
    RegulatoryReport,
    ReportApproval,
    ReportVersion,
)


def _require(request, action, obj=None):
    if not policy.allows(request.user, action, obj):
        raise PermissionDenied


def gate(action):
    """The page asks the policy before anything else (`reporting.read`: handlers, officers,
    administrators and the auditor; `reporting.work`: those who change reporting records)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            _require(request, action)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _report(request, pk) -> RegulatoryReport:
    try:
        return selectors.report_get(user=request.user, pk=pk)
    except RegulatoryReport.DoesNotExist:
        raise Http404


@login_required
@gate("reporting.read")
def report_list(request):
    form = forms.ReportFilterForm(request.GET)
    status = (form.cleaned_data["status"] if form.is_valid() else "") or None
    reports = selectors.report_list(user=request.user, status=status)
    return render(
        request,
        "reporting/report_list.html",
        {
            "reports": reports.defer("content")[:500],  # the list never shows the content
            "form": form,
            "now": timezone.now(),
        },
    )


@login_required
@gate("reporting.read")
def incident_reports(request, incident_pk):
    from incidents.models import Incident

    incident = get_object_or_404(Incident.objects.visible_to(request.user), pk=incident_pk)
    reports = selectors.reports_for_incident(user=request.user, incident=incident)
    return render(
        request,
        "reporting/report_list.html",
        {"reports": reports, "incident": incident, "now": timezone.now()},
    )


@login_required
@gate("reporting.read")
def report_detail(request, pk):
    report = _report(request, pk)
    fields = [(FIELD_LABELS[k], report.content.get(k, "")) for k in STAGE_FIELDS[report.stage]]
    pending = next(
        (a for a in report.approvals.all() if a.decision == ReportApproval.Decision.PENDING), None
    )
    return render(
        request,
        "reporting/report_detail.html",
        {
            "report": report,
            "fields": fields,
            "pending_approval": pending,
            "can_write": policy.allows(request.user, "reporting.report.change", report),
            "can_approve": policy.allows(request.user, "reporting.report.approve", report),
            "submission_form": forms.SubmissionForm(
                initial={"submitted_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}
            ),
            "reason_form": forms.ReasonForm(),
            "comment_form": forms.CommentForm(),
        },
    )


@login_required
@gate("reporting.read")
def report_edit(request, pk):
    report = _report(request, pk)
    _require(request, "reporting.report.change", report)
    form = forms.ReportContentForm(request.POST or None, report=report)
    if request.method == "POST" and form.is_valid():
        if pages.run(
            request,
            services.report_update,
            form=form,
            success=_("Draft saved."),
            report=report,
            content=form.content(),
            title=form.cleaned_data["title"],
        ):
            return redirect("reporting:report-detail", pk=report.pk)
    return render(request, "reporting/report_edit.html", {"report": report, "form": form})


@login_required
@require_POST
def report_action(request, pk, action):
    report = _report(request, pk)
    post = request.POST
    calls = {
        "request-approval": (
            lambda: services.report_request_approval(report=report, actor=request.user),
            _("Sent for approval."),
        ),
        "approve": (
            lambda: services.report_approve(
                report=report, actor=request.user, comment=post.get("comment", "")
            ),
            _("Approved: the content is frozen; the documents are being generated."),
        ),
        "reject": (
            lambda: services.report_reject(
                report=report, actor=request.user, comment=post.get("comment", "")
            ),
            _("Returned to the author."),
        ),
        "new-version": (
            lambda: services.report_new_version(
                report=report, actor=request.user, reason=post.get("reason", "")
            ),
            _("A new draft version is open; the approved version stays frozen."),
        ),
        "cancel": (
            lambda: services.report_cancel(
                report=report, actor=request.user, reason=post.get("reason", "")
            ),
            _("Report cancelled."),
        ),
        "supplementary": (
            lambda: services.supplementary_open(report=report, actor=request.user),
            _("Supplementary report opened."),
        ),
    }
    if action not in calls:
        raise Http404
    if action in ("approve", "reject"):
        _require(request, "reporting.report.approve", report)
    elif action == "cancel":
        _require(request, "reporting.report.cancel", report)
    else:
        _require(request, "reporting.report.change", report)
    func, done = calls[action]
    pages.attempt(request, func, success=done)
    return redirect("reporting:report-detail", pk=report.pk)


@login_required
@gate("reporting.work")
@require_POST
def report_submit(request, pk):
    report = _report(request, pk)
    _require(request, "reporting.submission.create", report)
    pages.submit(
        request,
        forms.SubmissionForm(request.POST, request.FILES),
        services.submission_record,
        success=_("Submission recorded."),
        report=report,
    )
    return redirect("reporting:report-detail", pk=report.pk)


@login_required
@gate("reporting.read")
def version_download(request, pk, number, fmt):
    report = _report(request, pk)
    version = get_object_or_404(ReportVersion, report=report, number=number)
    if fmt not in ("pdf", "docx"):
        raise Http404
    if not version.documents_ready:
        # Not rendered yet (the task is queued, or the broker was down): render it now, from
        # the frozen snapshot, and keep it for the next reader.
        version = services.version_render_documents(version=version)
    field = {"pdf": version.pdf, "docx": version.docx}[fmt]
    name = (
        f"{report.incident.reference if report.incident_id else report.notice.reference}"
        f"-{report.stage}-{report.recipient}-v{version.number}.{fmt}"
    )
    response = files.serve(field, filename=name)
    files.record_download(request.user, version, fmt, name)
    return response


@login_required
@gate("reporting.read")
def rule_list(request):
    history = request.GET.get("history") == "1"
    rules = selectors.rule_list(user=request.user, include_history=history)
    criteria = selectors.active_criteria()
    return render(
        request,
        "reporting/rule_list.html",
        {"rules": rules, "history": history, "criteria": criteria},
    )


@login_required
@gate("reporting.read")
def notice_list(request):
    return render(
        request,
        "reporting/notice_list.html",
        {
            "notices": selectors.notice_list(user=request.user),
            "now": timezone.now(),
            "can_create": policy.allows(request.user, "reporting.notice.create"),
        },
    )


@login_required
def notice_create(request):
    _require(request, "reporting.notice.create")
    form = forms.NoticeForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        attachment = data.pop("attachment", None) or None
        notice, ok = pages.run(
            request,
            services.notice_create,
            form=form,
            success=_("Notice registered; its feedback report is open."),
            attachment=attachment,
            **data,
        )
        if ok:
            return redirect("reporting:notice-detail", pk=notice.pk)
    return render(
        request, "reporting/form.html", {"form": form, "title": _("New regulator notice")}
    )


@login_required
@gate("reporting.read")
def notice_detail(request, pk):
    notice = get_object_or_404(selectors.notice_list(user=request.user), pk=pk)
    form = forms.NoticeHandlingForm(request.POST or None, instance=notice)
    if request.method == "POST":
        _require(request, "reporting.notice.change", notice)
        if form.is_valid():
            if pages.run(
                request,
                services.notice_update,
                form=form,
                success=_("Notice updated."),
                notice=notice,
                **{k: form.cleaned_data[k] for k in form.changed_data},
            ):
                return redirect("reporting:notice-detail", pk=notice.pk)
    return render(
        request,
        "reporting/notice_detail.html",
        {
            "notice": notice,
            "form": form,
            "reports": notice.feedback_reports.all(),
            "intelligence": notice.intelligence.all(),
        },
    )


@login_required
@gate("reporting.read")
def intel_list(request):
    form = forms.IntelligenceFilterForm(request.GET)
    status = (form.cleaned_data["status"] if form.is_valid() else "") or None
    return render(
        request,
        "reporting/intel_list.html",
        {
            "items": selectors.intelligence_list(user=request.user, status=status),
            "form": form,
            "can_create": policy.allows(request.user, "reporting.intelligence.create"),
        },
    )


@login_required
def intel_create(request):
    _require(request, "reporting.intelligence.create")
    form = forms.IntelligenceForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        item, ok = pages.run(
            request,
            services.intelligence_create,
            form=form,
            success=_("Risk intelligence recorded."),
            **form.cleaned_data,
        )
        if ok:
            return redirect("reporting:intel-detail", pk=item.pk)
    return render(
        request, "reporting/form.html", {"form": form, "title": _("New risk intelligence")}
    )


@login_required
@gate("reporting.read")
def intel_detail(request, pk):
    item = get_object_or_404(selectors.intelligence_list(user=request.user), pk=pk)
    form = forms.TriageForm(request.POST or None, user=request.user)
    if request.method == "POST":
        _require(request, "reporting.intelligence.triage", item)
        if form.is_valid():
            if form.cleaned_data["incident"]:
                service = services.intelligence_triage_to_incident
                decision = {"incident": form.cleaned_data["incident"]}
            else:
                service, decision = (
                    services.intelligence_close,
                    {"reason": form.cleaned_data["reason"]},
                )
            if pages.run(
                request, service, form=form, success=_("Item triaged."), item=item, **decision
            ):
                return redirect("reporting:intel-detail", pk=item.pk)
    return render(
        request,
        "reporting/intel_detail.html",
        {
            "item": item,
            "form": form,
            "promote_form": forms.PromoteForm(item=item),
            "can_promote": policy.allows(request.user, "reporting.intelligence.promote", item),
        },
    )


@login_required
@require_POST
def intel_promote(request, pk):
    item = get_object_or_404(selectors.intelligence_list(user=request.user), pk=pk)
    _require(request, "reporting.intelligence.promote", item)
    incident, ok = pages.submit(
        request, forms.PromoteForm(request.POST, item=item), services.intelligence_promote, item=item
    )
    if not ok:
        return redirect("reporting:intel-detail", pk=item.pk)
    messages.success(
        request, _("Incident %(ref)s opened from this item.") % {"ref": incident.reference}
    )
    return redirect(incident.get_absolute_url())


def _year(request) -> int:
    form = forms.YearForm(request.GET)
    year = form.cleaned_data["year"] if form.is_valid() else None
    return year or timezone.localdate().year


@login_required
@gate("reporting.read")
def metrics(request):
    year = _year(request)
    rows = selectors.report_metrics(user=request.user, year=year)
    context = {
        "rows": rows,
        "year": year,
        "year_form": forms.YearForm(initial={"year": year}),
        "can_import": policy.allows(request.user, "incidents.history.import"),
        **case_metrics_context(request, year),
    }
    return render(request, "reporting/metrics.html", context)


def case_metrics_context(request, year: int) -> dict:
    """Case metrics (reporting.metrics) for the dashboard: figures and chart options."""
    from . import metrics as case_metrics

    figures = case_metrics.case_metrics(
        user=request.user, year=year, by=request.GET.get("by", "month")
    )
    return {"case": figures, "case_charts": case_metrics.chart_options(figures)}


@login_required
@gate("reporting.read")
def case_metrics_export(request):
    from . import metrics as case_metrics

    year = _year(request)
    by = request.GET.get("by", "month")
    figures = case_metrics.case_metrics(user=request.user, year=year, by=by)
    response = HttpResponse(
        case_metrics.workbook(figures),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="case-metrics-{year}-{figures.by}.xlsx"'
    )
    return response


@login_required
@gate("reporting.read")
def metrics_export(request):
    year = _year(request)
    rows = selectors.report_metrics(user=request.user, year=year)
    data = exports.metrics_workbook(rows, title=_("Regulatory reporting %(year)s") % {"year": year})
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="reporting-metrics-{year}.xlsx"'
    return response


@login_required
def case_dossier(request, pk, kind):
    """One case's dossier (reporting.dossier) as PDF or DOCX, for who may see the case."""
    from incidents.models import Incident

    from . import dossier

    if kind not in ("pdf", "docx"):
        raise Http404
    incident = get_object_or_404(Incident.objects.visible_to(request.user), pk=pk)
    content = dossier.render(actor=request.user, incident=incident, kind=kind)
    types = {
        "pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }
    response = HttpResponse(content, content_type=types[kind])
    response["Content-Disposition"] = f'attachment; filename="dossier-{incident.reference}.{kind}"'
    return response
