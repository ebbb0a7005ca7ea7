from django.contrib.auth.decorators import login_required, user_passes_test
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts import policy

from . import exports
from .selectors import filter_entries, readable_rows

PAGE_SIZE = 50


def _reads_the_log(user) -> bool:
    # The firm-wide roles read the log (officers answer for it); nobody writes it.
    if policy.has_any(user, policy.FIRM_WIDE):
        return True
    raise PermissionDenied


reads_the_log = user_passes_test(_reads_the_log)


def _invalid(entries):
    return HttpResponseBadRequest(
        _("Invalid filter: %(errors)s") % {"errors": entries.errors.as_text()},
        content_type="text/plain; charset=utf-8",
    )


def _filename(ext: str) -> str:
    return f"audit-log-{timezone.localtime():%Y%m%d-%H%M%S}.{ext}"


@require_GET
@login_required
@reads_the_log
def audit_log(request):
    entries = filter_entries(request.GET, request=request)
    # An invalid filter shows its error and no rows, never the unfiltered log.
    queryset = entries.qs if entries.is_valid() else entries.queryset.none()
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = readable_rows(page.object_list)
    return render(
        request,
        "audit/log.html",
        {"filter": entries, "page": page, "rows": rows},
    )


@require_GET
@login_required
@reads_the_log
def export_csv(request):
    entries = filter_entries(request.GET, request=request)
    if not entries.is_valid():
        return _invalid(entries)
    response = StreamingHttpResponse(
        exports.csv_lines(entries.qs), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


@require_GET
@login_required
@reads_the_log
def export_xlsx(request):
    entries = filter_entries(request.GET, request=request)
    if not entries.is_valid():
        return _invalid(entries)
    return FileResponse(
        exports.xlsx_file(entries.qs),
        as_attachment=True,
        filename=_filename("xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
