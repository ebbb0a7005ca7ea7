"""The import page for past cases (issue 21.6): upload a workbook, always a dry run first (every
bad row and column named, nothing written), then "确认导入" imports exactly the checked file
(import_staging), then the imported cases, linked. Who may import is the policy's rule
`incidents.history.import`; the importer asks it again with its actor."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import policy
from core import pages
from core.exports import XLSX

from . import import_staging as staging
from . import importer
from .forms import ImportConfirmForm, ImportUploadForm

ACTION = "incidents.history.import"
DONE_KEY = "reporting.import.done"


def _allowed(request):
    if not policy.allows(request.user, ACTION):
        raise PermissionDenied


def _page(request, *, form=None, result=None, name="", staged=None, status=200):
    """The import page: the upload form, what the last check found, and the checked workbook
    waiting for confirmation (if any)."""
    staged = staged or staging.pending(request.session)
    bad_rows = sorted({p.row for p in result.problems}) if result else []
    return render(
        request,
        "reporting/import.html",
        {
            "form": form or ImportUploadForm(),
            "result": result,
            "name": name,
            "bad_rows": bad_rows,
            "valid_rows": len(result.rows) - len(bad_rows) if result else 0,
            "staged": staged,
            "confirm_form": ImportConfirmForm(initial={"sha256": staged.sha256})
            if staged
            else None,
            "columns": [(h, key in importer.REQUIRED) for h, key in importer.COLUMNS.items()],
            "max_rows": importer.MAX_ROWS,
        },
        status=status,
    )


@login_required
def import_page(request):
    _allowed(request)
    staging.sweep()  # workbooks checked and never confirmed go once they expire
    return _page(request)


@login_required
@require_POST
def import_check(request):
    """The dry run: nothing is written; a clean workbook is kept for its confirmation."""
    _allowed(request)
    form = ImportUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form=form)
    upload = form.cleaned_data["workbook"]
    upload.seek(0)
    data = upload.read()
    name = upload.name or "workbook.xlsx"
    result, ok = pages.run(
        request, importer.import_cases, form=form, workbook=io.BytesIO(data), name=name
    )
    if not ok:  # not readable as the importer's workbook: the earlier checked file stays
        return _page(request, form=form)
    staging.sweep()
    staged = None
    if result.ok:
        staged = staging.keep(request.session, data=data, name=name, rows=len(result.rows))
    else:
        staging.discard(request.session)  # a newer file was checked: the older one is stale
    return _page(request, result=result, name=name, staged=staged)


@login_required
@require_POST
def import_confirm(request):
    """Import the kept workbook whose SHA-256 the page posted (all rows or none)."""
    _allowed(request)
    claimed, ok = pages.submit(
        request,
        ImportConfirmForm(request.POST),
        lambda *, sha256, **_actor: staging.claim(request.session, sha256=sha256),
        invalid=_("Check the workbook first, then confirm on its result page."),
    )
    if not ok:
        return redirect("reporting:import")
    staged, data = claimed
    result, ok = pages.run(
        request, importer.import_cases, workbook=io.BytesIO(data), name=staged.name, commit=True
    )
    if not ok:
        return redirect("reporting:import")
    if not result.committed:  # the records changed since the check (a team was renamed, …)
        messages.error(request, _("The workbook no longer passes the check: nothing was imported."))
        return _page(request, result=result, name=staged.name)
    request.session[DONE_KEY] = {"name": staged.name, "references": result.references}
    messages.success(
        request,
        _("%(n)s past cases imported from %(name)s.")
        % {"n": len(result.references), "name": staged.name},
    )
    return redirect("reporting:import-result")


@login_required
def import_result(request):
    """The cases the last import of this session created, linked to their pages."""
    _allowed(request)
    from incidents.models import Incident

    done = request.session.get(DONE_KEY) or {}
    references = done.get("references") or []
    cases = (
        Incident.objects.visible_to(request.user)
        .filter(reference__in=references)
        .order_by("reference")
    )
    return render(
        request,
        "reporting/import_result.html",
        {"name": done.get("name", ""), "cases": cases, "count": len(references)},
    )


@login_required
def import_template(request):
    """The workbook to fill in: the importer's own headers and one example row."""
    _allowed(request)
    response = HttpResponse(importer.template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        True, _("past-cases-import-template") + ".xlsx"
    )
    return response
