from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from . import selectors
from .forms import FirmFilterForm


@login_required
def mine(request):
    deadlines = selectors.deadlines_due_for(user=request.user)
    return render(
        request,
        "deadlines/mine.html",
        {"rows": selectors.annotate_urgency(deadlines)},
    )


@login_required
def firm(request):
    if not selectors.can_see_firm(request.user):
        raise PermissionDenied
    form = FirmFilterForm(request.GET)
    filters = form.filters()
    qs = selectors.firm_deadlines(user=request.user, **filters)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "deadlines/firm.html",
        {
            "page": page,
            "rows": selectors.annotate_urgency(page.object_list),
            "form": form,
            "filters": filters,
        },
    )
