"""Bulk actions' pages (incidents.bulk): one POST URL per action (the kit), the result per item
on a page of its own; the export answers an Excel file of the selected cases one may see."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import pages
from core.exports import download, xlsx_bytes

from . import bulk, forms


def _results(request, title, form, service, back, rename=None):
    """Validate the toolbar's `form` and run `service(actor, ids, **cleaned_data)` through the
    kit (the ticked rows' ids parsed inside, so a bad selection is said like a service's
    refusal); the result per item on a page of its own, or back to the list with the message."""

    def call(*, actor, **data):
        return service(actor=actor, ids=bulk.parse_ids(request.POST.getlist("ids")), **data)

    outcome = pages.submit(request, form, call, rename=rename)
    if not outcome.ok:
        return redirect(back)
    results = outcome.result
    return render(
        request,
        "incidents/bulk_results.html",
        {
            "title": title,
            "results": results,
            "done": sum(r.ok for r in results),
            "refused": sum(not r.ok for r in results),
            "back": back,
        },
    )


def _back(request, default: str) -> str:
    back = request.POST.get("back", "")
    return back if back.startswith("/") and not back.startswith("//") else default


@login_required
@require_POST
def incidents_assign(request):
    back = _back(request, "/incidents/")
    return _results(
        request, _("Assign"), forms.BulkAssignForm(request.POST), bulk.incidents_assign, back
    )


@login_required
@require_POST
def incidents_tag(request):
    back = _back(request, "/incidents/")
    return _results(
        request,
        _("Add a tag"),
        forms.BulkTagForm(request.POST),
        bulk.incidents_tag,
        back,
        rename={"tag": "name"},
    )


@login_required
@require_POST
def incidents_status(request):
    back = _back(request, "/incidents/")
    return _results(
        request,
        _("Change status"),
        forms.BulkStatusForm(request.POST),
        bulk.incidents_move,
        back,
    )


@login_required
@require_POST
def incidents_export(request):
    back = _back(request, "/incidents/")
    outcome = pages.attempt(
        request,
        lambda: bulk.incidents_for_export(
            actor=request.user, ids=bulk.parse_ids(request.POST.getlist("ids"))
        ),
    )
    if not outcome.ok:
        return redirect(back)
    header = [
        _("Reference"),
        _("Title"),
        _("Category"),
        _("Grade"),
        _("Status"),
        _("Discovered"),
        _("Resolved"),
        _("Assignee"),
        _("Team"),
    ]
    rows = [
        [
            i.reference,
            i.title,
            i.get_category_display(),
            i.grade,
            i.get_status_display(),
            timezone.localtime(i.discovered_at).strftime("%Y-%m-%d %H:%M"),
            timezone.localtime(i.resolved_at).strftime("%Y-%m-%d %H:%M") if i.resolved_at else "",
            str(i.assignee or ""),
            str(i.team or ""),
        ]
        for i in outcome.result
    ]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return download(
        xlsx_bytes([(_("Incidents"), header, rows)]),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"incidents-{stamp}.xlsx",
    )


@login_required
@require_POST
def tasks_assign(request):
    back = _back(request, "/")
    return _results(
        request, _("Assign"), forms.TaskBulkAssignForm(request.POST), bulk.tasks_assign, back
    )


@login_required
@require_POST
def tasks_state(request):
    back = _back(request, "/")
    return _results(
        request,
        _("Change status"),
        forms.TaskBulkStateForm(request.POST),
        bulk.tasks_set_state,
        back,
    )
