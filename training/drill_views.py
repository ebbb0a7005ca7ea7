"""Drill pages: plan, run (drill incident), assess objectives, findings, report PDF."""

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
    pages.run(
        request,
        services.drill_start,
        success=_("The drill is running; its incident has been opened."),
        drill=drill,
    )
    return redirect("training:drill", pk=pk)


@login_required
@require_POST
def drill_assess(request, pk, objective):
    drill = _visible_drill(request, pk)
    obj = get_object_or_404(DrillObjective, pk=objective, drill=drill)
    pages.submit(
        request, ObjectiveResultForm(request.POST), services.drill_assess_objective, objective=obj
    )
    return redirect("training:drill", pk=pk)


@login_required
@require_POST
def drill_finding(request, pk):
    drill = _visible_drill(request, pk)
    pages.submit(
        request,
        FindingForm(request.POST, drill=drill),
        services.drill_add_finding,
        success=_("Finding recorded as a rectification item."),
        invalid=_("Describe the finding, its owner and its deadline."),
        drill=drill,
    )
    return redirect("training:drill", pk=pk)


@login_required
@require_POST
def drill_complete(request, pk):
    drill = _visible_drill(request, pk)
    pages.submit(
        request,
        DrillCompleteForm(request.POST),
        services.drill_complete,
        success=_("The drill is completed."),
        invalid=_("Write the drill summary."),
        drill=drill,
    )
    return redirect("training:drill", pk=pk)


@officer_view
@require_POST
def drill_cancel(request, pk):
    drill = get_object_or_404(Drill, pk=pk)
    pages.submit(
        request,
        ReasonForm(request.POST),
        services.drill_cancel,
        invalid=_("Say why the drill is cancelled."),
        drill=drill,
    )
    return redirect("training:drill", pk=pk)


@login_required
@require_GET
def drill_report(request, pk):
    drill = _visible_drill(request, pk)
    body = pdf.drill_report_pdf(drill=drill, context=selectors.drill_page(drill=drill))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="drill-{drill.year}-{drill.pk}.pdf"'
    return response
