"""Drill pages: plan, run (drill incident), assess objectives, findings, report PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import policy
from accounts.policy import sees_everything
from core import pages

from . import pdf, selectors, services
from .forms import DrillCompleteForm, DrillForm, FindingForm, ObjectiveResultForm, ReasonForm
from .models import Drill, DrillObjective
from .views import officer_view


def _visible_drill(request, pk) -> Drill:
    return get_object_or_404(
        Drill.objects.visible_to(request.user).select_related("coordinator", "incident"), pk=pk
    )


@login_required
def drill_list(request):
    form = DrillForm(request.POST or None)
    if request.method == "POST":
        if not policy.allows(request.user, "training.drill.plan"):
            raise PermissionDenied
        elif form.is_valid():
            data = dict(form.cleaned_data)
            data.pop("objectives")
            drill, ok = pages.run(
                request, services.drill_plan, objectives=form.objective_pairs(), **data
            )
            if ok:
                return redirect("training:drill", pk=drill.pk)
    drills = Drill.objects.visible_to(request.user).select_related("coordinator")
    return render(
        request,
        "training/drill_list.html",
        {"drills": drills, "form": form, "can_plan": sees_everything(request.user)},
    )


@login_required
def drill_detail(request, pk):
    drill = _visible_drill(request, pk)
    return render(
        request,
        "training/drill_detail.html",
        {
            "drill": drill,
            **selectors.drill_page(drill=drill),
            "result_form": ObjectiveResultForm(),
            "finding_form": FindingForm(drill=drill),
            "complete_form": DrillCompleteForm(),
            "reason_form": ReasonForm(),
            # The role in the drill decides: the coordinator (or an officer) runs it, participants
            # record findings, observers watch.
            "can_write": policy.allows(request.user, "training.drill.assess", drill),
            "can_record": policy.allows(request.user, "training.drill.finding_add", drill),
        },
    )


@login_required
@require_POST
def drill_start(request, pk):
    drill = _visible_drill(request, pk)
    _r, ok = pages.run(request, services.drill_start, drill=drill)
    if ok:
        messages.success(request, _("The drill is running; its incident has been opened."))
    return redirect("training:drill", pk=pk)


@login_required
@require_POST
def drill_assess(request, pk, objective):
    drill = _visible_drill(request, pk)
    obj = get_object_or_404(DrillObjective, pk=objective, drill=drill)
    form = ObjectiveResultForm(request.POST)
    if form.is_valid():
        pages.run(
            request,
            services.drill_assess_objective,
            objective=obj,
            result=form.cleaned_data["result"],
            notes=form.cleaned_data["notes"],
        )
    return redirect("training:drill", pk=pk)


@login_required
@require_POST
def drill_finding(request, pk):
    drill = _visible_drill(request, pk)
    form = FindingForm(request.POST, drill=drill)
    if form.is_valid():
        _r, ok = pages.run(request, services.drill_add_finding, drill=drill, **form.cleaned_data)
        if ok:
            messages.success(request, _("Finding recorded as a rectification item."))
    else:
        messages.error(request, _("Describe the finding, its owner and its deadline."))
    return redirect("training:drill", pk=pk)


@login_required
@require_POST
def drill_complete(request, pk):
    drill = _visible_drill(request, pk)
    form = DrillCompleteForm(request.POST)
    if form.is_valid():
        _r, ok = pages.run(request, services.drill_complete, drill=drill, **form.cleaned_data)
        if ok:
            messages.success(request, _("The drill is completed."))
    else:
        messages.error(request, _("Write the drill summary."))
    return redirect("training:drill", pk=pk)


@officer_view
@require_POST
def drill_cancel(request, pk):
    drill = get_object_or_404(Drill, pk=pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        pages.run(request, services.drill_cancel, drill=drill, reason=form.cleaned_data["reason"])
    else:
        messages.error(request, _("Say why the drill is cancelled."))
    return redirect("training:drill", pk=pk)


@login_required
@require_GET
def drill_report(request, pk):
    drill = _visible_drill(request, pk)
    body = pdf.drill_report_pdf(drill=drill, context=selectors.drill_page(drill=drill))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="drill-{drill.year}-{drill.pk}.pdf"'
    return response
