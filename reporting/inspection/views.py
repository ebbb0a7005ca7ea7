"""The inspection pack's page: choose a period, see the summary, download the DOCX or the XLSX."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import policy
from core.exports import XLSX, download

from . import documents, figures

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("Period from"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(
        label=_("Period to (inclusive)"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            raise forms.ValidationError(_("The period must end on or after the day it starts."))
        if start and end and (end - start).days > 3 * 366:
            raise forms.ValidationError(_("Choose a period of at most three years."))
        return data


def _allowed(request):
    if not policy.allows(request.user, "reporting.inspection.export"):
        raise PermissionDenied


def _default_period():
    year = timezone.localdate().year
    return {"start": f"{year}-01-01", "end": f"{year}-12-31"}


@login_required
def inspection_pack(request):
    _allowed(request)
    # The summary of this year shows at once (the officer came to see it), without the walk
    # over the whole audit trail until a period is asked for.
    form = PeriodForm(request.GET or _default_period())
    summary, data = None, None
    if form.is_valid():
        data = figures.collect(
            form.cleaned_data["start"], form.cleaned_data["end"], verify_chain=bool(request.GET)
        )
        summary = documents.summary_lines(data)
    return render(
        request,
        "reporting/inspection_pack.html",
        {"form": form, "summary": summary, "figures": data},
    )


@login_required
def inspection_pack_download(request, fmt):
    _allowed(request)
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return render(
            request, "reporting/inspection_pack.html", {"form": form, "summary": None}, status=400
        )
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    data = figures.collect(start, end)
    stem = f"inspection-pack_{start}_{end}"
    if fmt == "docx":
        return download(documents.build_docx(data), DOCX, f"{stem}.docx")
    return download(documents.build_xlsx(data), XLSX, f"{stem}.xlsx")
