"""Where the pack's sharing totals come from. The sharing ledger (helper share1, branch wt-share1)
registers its own source here when it lands:

    from reporting.inspection import sharing
    sharing.register_source(lambda start, end: {"source": "ledger", "note": "", "rows": [...],
                                                "totals": {...}})

Until then the default source reads governance's sharing registrations and the append-only
sharing log, and says so in the pack."""

import datetime
from collections.abc import Callable

from django.utils.translation import gettext as _

Source = Callable[[datetime.datetime, datetime.datetime], dict]
_sources: list[Source] = []


def register_source(source: Source) -> Source:
    if source not in _sources:
        _sources.append(source)
    return source


def unregister_source(source: Source) -> None:
    if source in _sources:
        _sources.remove(source)


def totals(start: datetime.datetime, end: datetime.datetime) -> dict:
    """The registered ledger's totals for [start, end), else the registrations' totals."""
    if _sources:
        return _sources[-1](start, end)
    return _registration_totals(start, end)


def _registration_totals(start, end) -> dict:
    from django.db.models import Count, Sum

    from governance.models import SharingLogEntry, SharingRegistration

    registrations = (
        SharingRegistration.objects.filter(created_at__gte=start, created_at__lt=end)
        .values("state")
        .annotate(n=Count("pk"))
        .order_by("state")
    )
    labels = dict(SharingRegistration.State.choices)
    log = SharingLogEntry.objects.filter(logged_at__gte=start, logged_at__lt=end)
    logged = log.aggregate(n=Count("pk"), records=Sum("record_count"))
    by_level = log.values("data_level").annotate(n=Count("pk")).order_by("data_level")
    return {
        "source": "registrations",
        "note": _(
            "The sharing ledger is not installed: these are the sharing registrations made in "
            "the period and the sharing log's entries."
        ),
        "rows": [
            {"label": str(labels.get(r["state"], r["state"])), "count": r["n"]}
            for r in registrations
        ]
        + [
            {
                "label": _("Logged shares, data level %(l)s") % {"l": r["data_level"]},
                "count": r["n"],
            }
            for r in by_level
        ],
        "totals": {
            "registrations": sum(r["n"] for r in registrations),
            "logged_shares": logged["n"] or 0,
            "logged_records": logged["records"] or 0,
        },
    }
