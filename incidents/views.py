"""Handler pages: thin views over selectors (reads) and services (writes)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import policy
from core import pages
from core.errors import ApplicationError
from core.labels import choice_labels
from core.templatetags import ui

from . import clocks, forms, page_forms, selectors, services
from .models import (
    Concern,
    Evidence,
    Grade,
    Incident,
    IncidentTask,
    RectificationItem,
    is_compliance_head,
)
from .plan_forms import MessageForm


def _require_worker(user):
    if not policy.allows(user, "incidents.case.work"):
        raise PermissionDenied(_("Your role may not change incidents."))


# --- list / detail ------------------------------------------------------------------------------


@login_required
def incident_list(request):
    if not policy.allows(request.user, "incidents.read"):
        raise PermissionDenied
    # Labels from the per-language tables: get_FOO_display() re-translates every choice per call.
    categories, statuses = choice_labels(Incident.Category), choice_labels(Incident.Status)
    handlers = selectors.people_choices()["handlers"]
    filter_form = forms.IncidentFilterForm(
        request.GET,
        statuses=statuses.items(),
        grades=choice_labels(Grade).items(),
        categories=categories.items(),
        assignees=handlers,
    )
    filters = filter_form.filters()
    sort = request.GET.get("sort", "")
    sort = sort if sort.lstrip("-") in selectors.SORTS else ""
    qs = selectors.incident_list(user=request.user, filters={**filters, "sort": sort})
    try:
        per_page = max(10, min(100, int(request.GET.get("per_page", 25))))
    except ValueError:
        per_page = 25
    page = Paginator(qs, per_page).get_page(request.GET.get("page"))
    for i in page:
        i.category_label = categories.get(i.category, i.category)
        i.status_label = statuses.get(i.status, i.status)
        # The design system's badge colours, written inline (an inclusion tag per cell costs
        # a template render per row).
        i.status_tone = ui.STATUS_TONES.get(i.status, "secondary")
        i.grade_tone = ui.GRADE_TONES.get(i.grade, "secondary")
    filter_query = "".join(f"{urlencode({k: v})}&" for k, v in filters.items() if v)
    columns = [
        (key, label, sort == key, sort == f"-{key}", "-" + key if sort == key else key)
        for key, label in (
            ("reference", _("Reference")),
            ("title", _("Title")),
            ("grade", _("Grade")),
            ("status", _("Status")),
            ("discovered_at", _("Discovered")),
        )
    ]
    can_work = policy.allows(request.user, "incidents.case.work")
    ctx = {
        "page": page,
        "filters": filters,
        "filter_query": filter_query,
        "sort": sort,
        "columns": {c[0]: c for c in columns},
        "active_filters": sum(1 for k, v in filters.items() if v and k != "q"),
        "per_page": per_page,
        "filter_form": filter_form,
        "can_work": can_work,
        "bulk_assign_form": forms.BulkAssignForm(choices=handlers) if can_work else None,
        "bulk_status_form": forms.BulkStatusForm() if can_work else None,
        "bulk_tag_form": forms.BulkTagForm() if can_work else None,
    }
    return render(request, "incidents/list.html", ctx)


@login_required
def incident_detail(request, pk):
    ctx = selectors.incident_page(user=request.user, pk=pk)
    incident = ctx["incident"]
    working = policy.allows(request.user, "incidents.incident.change", incident)
    case_clocks = clocks.clocks_for([incident.pk])[incident.pk]
    ctx.update(
        can_work=working,
        # The task table's bulk toolbar (incidents/_task_bulk_toolbar.html).
        task_assign_form=forms.TaskBulkAssignForm(choices=selectors.people_choices()["handlers"])
        if working
        else None,
        task_state_form=forms.TaskBulkStateForm() if working else None,
        report_clocks=[c for c in case_clocks if c.section == "reporting"],
        nearest_clock=clocks.nearest(case_clocks)
        if incident.status != Incident.Status.CLOSED
        else None,
        close_blockers=services.close_blockers(incident)
        if incident.status == Incident.Status.SUMMARISED
        else [],
    )
    # The action forms are not on the page: each opens on demand (incident_action_form).
    return render(request, "incidents/detail.html", ctx)


@login_required
def incident_action_form(request, pk, name, item_pk=None):
    """One action form of the incident page, rendered from its form class: a fragment the page
    opens in place (`?fragment=1`), or a page of its own (without script)."""
    _require_worker(request.user)
    incident = selectors.incident_get(user=request.user, pk=pk)
    spec, form, item, action = page_forms.build(name, incident, item_pk)
    ctx = {"incident": incident, "spec": spec, "form": form, "item": item, "action": action}
    if request.GET.get("fragment"):
        return render(request, "incidents/_action_form.html", ctx)
    return render(request, "incidents/action_form.html", ctx)


# --- create / edit ------------------------------------------------------------------------------


@login_required
def incident_create(request):
    _require_worker(request.user)
    form = forms.IncidentForm(request.POST or None)
    systems = forms.SystemFormSet(request.POST or None, prefix="systems")
    if request.method == "POST" and form.is_valid() and systems.is_valid():
        data = dict(form.cleaned_data)
        incident, ok = pages.run(
            request,
            services.incident_create,
            form=form,
            affected_systems=forms.systems_from(systems),
            **data,
        )
        if ok:
            messages.success(request, _("Incident %(ref)s created.") % {"ref": incident.reference})
            return redirect(incident)
    return render(
        request, "incidents/form.html", {"form": form, "systems": systems, "incident": None}
    )


@login_required
def incident_edit(request, pk):
    _require_worker(request.user)
    incident = selectors.incident_get(user=request.user, pk=pk)
    form = forms.IncidentForm(request.POST or None, instance=incident, editing=True)
    systems = forms.SystemFormSet(request.POST or None, instance=incident, prefix="systems")
    if request.method == "POST" and form.is_valid() and systems.is_valid():
        changes = {k: form.cleaned_data[k] for k in form.changed_data}
        incident.refresh_from_db()
        if pages.run(
            request,
            services.incident_update,
            form=form,
            success=_("Saved."),
            incident=incident,
            affected_systems=forms.systems_from(systems) if systems.has_changed() else None,
            **changes,
        ):
            return redirect(incident)
    return render(
        request, "incidents/form.html", {"form": form, "systems": systems, "incident": incident}
    )


# --- actions on a case --------------------------------------------------------------------------


def _case(request, pk) -> Incident:
    """The visible incident an action works on, for a user whose role works cases."""
    _require_worker(request.user)
    return selectors.incident_get(user=request.user, pk=pk)


def _grade(*, qualitative, grade, **fields):
    """The grading form's criteria by id; no grade chosen is None (the proposal stands)."""
    return services.incident_grade(
        grade=grade or None, qualitative_ids=[c.pk for c in qualitative], **fields
    )


@login_required
@require_POST
def incident_grade(request, pk):
    incident = _case(request, pk)
    pages.submit(
        request,
        forms.GradeForm(request.POST),
        _grade,
        success=_("Grade recorded."),
        invalid=_("Check the grading form."),
        incident=incident,
    )
    return redirect(incident)


# A status move: the service, and the form it needs (None: the button alone).
TRANSITIONS = {
    "start": (services.incident_start_handling, None),
    "resolve": (services.incident_resolve, forms.ResolveForm),
    "summarise": (services.incident_summarise, forms.SummaryForm),
    "close": (services.incident_close, None),
}


@login_required
@require_POST
def incident_transition(request, pk, action):
    incident = _case(request, pk)
    if action not in TRANSITIONS:
        messages.error(request, _("Unknown action."))
        return redirect(incident)
    service, form_class = TRANSITIONS[action]
    success = _("Status updated.")
    if form_class is None:
        pages.run(request, service, success=success, incident=incident)
    else:
        pages.submit(request, form_class(request.POST), service, success=success, incident=incident)
    return redirect(incident)


@login_required
@require_POST
def timeline_add(request, pk):
    incident = _case(request, pk)
    pages.submit(
        request, forms.TimelineForm(request.POST), services.timeline_add, incident=incident
    )
    return redirect(incident)


@login_required
@require_POST
def task_add(request, pk):
    incident = _case(request, pk)
    pages.submit(
        request,
        forms.TaskForm(request.POST),
        services.task_create,
        success=_("Task added."),
        invalid=_("Enter a task title."),
        incident=incident,
    )
    return redirect(incident)


@login_required
@require_POST
def task_state(request, pk, task_pk):
    incident = _case(request, pk)
    task = get_object_or_404(IncidentTask, pk=task_pk, incident=incident)
    pages.run(request, services.task_set_state, task=task, state=request.POST.get("state"))
    return redirect(incident)


@login_required
@require_POST
def comment_add(request, pk):
    incident = _case(request, pk)
    pages.submit(request, forms.CommentForm(request.POST), services.comment_add, incident=incident)
    return redirect(incident)


@login_required
@require_POST
def evidence_upload(request, pk):
    incident = _case(request, pk)
    pages.submit(
        request,
        forms.EvidenceForm(request.POST, request.FILES),
        services.evidence_add,
        success=_("Evidence uploaded."),
        incident=incident,
    )
    return redirect(incident)


@login_required
def evidence_download(request, evidence_pk):
    evidence = get_object_or_404(Evidence.objects.visible_to(request.user), pk=evidence_pk)
    try:
        handle = services.evidence_open(evidence=evidence, actor=request.user)
    except services.EvidenceTampered as exc:
        return render(
            request,
            "incidents/tampered.html",
            {"evidence": evidence, "message": exc.message},
            status=409,
        )
    return FileResponse(handle, as_attachment=True, filename=evidence.original_name)


@login_required
@require_POST
def custody_add(request, evidence_pk):
    _require_worker(request.user)
    evidence = get_object_or_404(Evidence.objects.visible_to(request.user), pk=evidence_pk)
    pages.submit(request, forms.CustodyForm(request.POST), services.custody_add, evidence=evidence)
    target = evidence.incident or evidence.rectification_item.incident
    return redirect(target) if target else redirect("incidents:my-rectifications")


@login_required
@require_POST
def rectification_add(request, pk):
    incident = _case(request, pk)
    pages.submit(
        request,
        forms.RectificationForm(request.POST),
        services.rectification_create,
        success=_("Rectification item added."),
        incident=incident,
    )
    return redirect(incident)


@login_required
@require_POST
def rectification_action(request, item_pk, action):
    item = get_object_or_404(RectificationItem.objects.visible_to(request.user), pk=item_pk)

    @transaction.atomic
    def act(*, actor, note, file=None):
        if action == "complete":
            if not policy.allows(actor, "incidents.rectification.complete", item):
                raise PermissionDenied
            services.rectification_complete(item=item, actor=actor, note=note)
            if file:
                services.evidence_add(rectification_item=item, actor=actor, file=file)
        elif action in ("verify", "reject"):
            if not policy.allows(actor, "incidents.rectification.verify", item):
                raise PermissionDenied
            services.rectification_verify(
                item=item, actor=actor, note=note, accept=action == "verify"
            )
        else:
            raise ApplicationError(_("Unknown action."))

    form = (
        forms.RectificationDoneForm(request.POST, request.FILES)
        if action == "complete"
        else forms.NoteForm(request.POST)
    )
    pages.submit(request, form, act)
    if item.incident_id and policy.allows(request.user, "incidents.case.work"):
        return redirect(item.incident)
    return redirect("incidents:my-rectifications")


@login_required
def my_rectifications(request):
    items = list(selectors.my_rectifications(user=request.user).prefetch_related("evidence"))
    for item in items:
        if item.state == RectificationItem.State.OPEN:
            # One form per open item; the auto_id keeps their ids apart, the posted names stay.
            item.done_form = forms.RectificationDoneForm(auto_id=f"id_r{item.pk}_%s")
    return render(request, "incidents/my_rectifications.html", {"items": items})


# --- staff concerns -----------------------------------------------------------------------------


@login_required
def concern_new(request):
    if not policy.allows(request.user, "incidents.concern.submit"):
        raise PermissionDenied
    form = forms.ConcernForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        concern, ok = pages.attempt(
            request,
            lambda: services.concern_submit(reporter=request.user, **form.cleaned_data),
            form=form,
            success=_("Thank you. Your report has been sent to the handlers."),
        )
        if ok and concern.follow_code:
            # Anonymous: the code is shown this once (only its hash is stored).
            return render(request, "incidents/concern_code.html", {"code": concern.follow_code})
        if ok:
            return redirect("incidents:my-concerns")
    return render(request, "incidents/concern_form.html", {"form": form})


@login_required
def my_concerns(request):
    concerns = Concern.objects.filter(reporter=request.user).select_related("incident")
    return render(request, "incidents/my_concerns.html", {"concerns": concerns})


@login_required
def concern_queue(request):
    if not policy.allows(request.user, "incidents.read"):
        raise PermissionDenied
    filter_form = forms.ConcernFilterForm(
        {"state": request.GET.get("state", Concern.State.SUBMITTED)}
    )
    state = filter_form.state_or_default()
    if filter_form.errors:  # an unknown state shows the submitted ones, as the select says
        filter_form = forms.ConcernFilterForm({"state": state})
    page = Paginator(selectors.concern_list(user=request.user, state=state), 50).get_page(
        request.GET.get("page")
    )
    head = is_compliance_head(request.user)
    for c in page:
        c.reporter_label = c.reporter_shown_to(request.user, head=head)
    return render(
        request,
        "incidents/concern_queue.html",
        {"page": page, "state": state, "filter_form": filter_form},
    )


def _concern(request, pk) -> Concern:
    return get_object_or_404(selectors.concern_list(user=request.user), pk=pk)


def _may_triage(user, concern) -> bool:
    return policy.allows(user, "incidents.concern.triage", concern)


def _concern_page(request, concern, *, promote_form=None, close_form=None):
    return render(
        request,
        "incidents/concern_detail.html",
        {
            "concern": concern,
            "triage": _may_triage(request.user, concern)
            and concern.state == Concern.State.SUBMITTED,
            "promote_form": promote_form or forms.PromoteForm(),
            "close_form": close_form or forms.CloseConcernForm(),
            "is_reporter": concern.reporter_id == request.user.pk,
            "reporter_label": concern.reporter_shown_to(request.user),
            "thread": concern.messages.select_related("author"),
            "can_message": policy.allows(request.user, "incidents.concern.message", concern),
            # Posted to plan_views.concern_message, which validates with the same class.
            "message_form": MessageForm(),
        },
    )


@login_required
def concern_detail(request, pk):
    return _concern_page(request, _concern(request, pk))


@login_required
@require_POST
def concern_promote(request, pk):
    concern = _concern(request, pk)
    if not _may_triage(request.user, concern):
        raise PermissionDenied
    form = forms.PromoteForm(request.POST)
    if form.is_valid():
        incident, ok = pages.run(
            request, services.concern_promote, concern=concern, **form.cleaned_data
        )
        if ok:
            messages.success(request, _("Opened incident %(ref)s.") % {"ref": incident.reference})
            return redirect(incident)
    return _concern_page(request, concern, promote_form=form)


@login_required
@require_POST
def concern_close(request, pk):
    concern = _concern(request, pk)
    if not _may_triage(request.user, concern):
        raise PermissionDenied
    form = forms.CloseConcernForm(request.POST)
    if form.is_valid() and pages.run(
        request,
        services.concern_close,
        success=_("Concern closed; the reporter sees your reason."),
        concern=concern,
        reason=form.cleaned_data["reason"],
    ):
        return redirect("incidents:concern-queue")
    return _concern_page(request, concern, close_form=form)
