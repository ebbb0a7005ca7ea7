"""Reads of the catalogue, the sharing requests and the ledger of transfers.

`shared_source_usage` is the usage frequency per shared data source that the sharing evaluation
(O13) reads: from the daily sums kept at intake, never from the million events themselves."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Max, Q, Sum

from .models import (
    CatalogueItem,
    CatalogueVersion,
    LedgerEvent,
    LedgerUsageDaily,
    SharingRequest,
)

LEDGER_PAGE_SIZE = 50


def catalogue_in_force() -> CatalogueVersion | None:
    return CatalogueVersion.objects.in_force().first()


def catalogue_search(
    *, version: CatalogueVersion | None, text: str = "", category: str = "", level=None, tier=""
):
    if version is None:
        return CatalogueItem.objects.none()
    qs = CatalogueItem.objects.filter(version=version)
    text = text.strip()
    if text:
        qs = qs.filter(
            Q(code__icontains=text)
            | Q(name_zh__icontains=text)
            | Q(name_en__icontains=text)
            | Q(definition__icontains=text)
            | Q(regulatory_attributes__icontains=text)
        )
    if category:
        qs = qs.filter(business_category=category)
    if level:
        qs = qs.filter(data_level=int(level))
    if tier:
        qs = qs.filter(sharing_tier=tier)
    return qs.order_by("business_category", "code")


def catalogue_categories(version: CatalogueVersion | None) -> list[str]:
    if version is None:
        return []
    return list(
        version.items.order_by("business_category")
        .values_list("business_category", flat=True)
        .distinct()
    )


def sharing_requests_for(user, *, state: str = ""):
    qs = SharingRequest.objects.visible_to(user).select_related(
        "agreement", "counterparty", "requested_by", "matched_rule"
    )
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-created_at", "-id")


def ledger_events(user, *, request_id=None, mismatch: bool = False, counterparty_id=None):
    qs = LedgerEvent.objects.visible_to(user)
    if request_id:
        qs = qs.filter(request_id=request_id)
    if mismatch:
        qs = qs.filter(is_mismatch=True)
    if counterparty_id:
        qs = qs.filter(counterparty_id=counterparty_id)
    return qs


def ledger_page(user, *, before: int | None = None, size: int = LEDGER_PAGE_SIZE, **filters):
    """One page of the ledger, newest first, by keyset (`before` an event id): the page costs
    the same at a million events as at ten. Returns (events, next_before or None)."""
    qs = ledger_events(user, **filters)
    if before:
        qs = qs.filter(id__lt=before)
    rows = list(qs.select_related("system", "request", "counterparty").order_by("-id")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return rows, (rows[-1].id if more and rows else None)


@dataclass(frozen=True)
class SourceUsage:
    item_code: str
    item_name: str
    events: int
    records: int
    bytes: int
    mismatches: int
    active_days: int
    last_day: datetime.date | None
    requests: int


def shared_source_usage(
    *, start: datetime.date, end: datetime.date, counterparty_id=None
) -> list[SourceUsage]:
    """Usage frequency per shared data source (catalogue item) between two days inclusive:
    events, records, bytes, mismatches, days with at least one transfer, last day used, and
    how many requests carried it. The evaluation's scope inventory and usage figures."""
    qs = LedgerUsageDaily.objects.filter(day__gte=start, day__lte=end)
    if counterparty_id:
        qs = qs.filter(counterparty_id=counterparty_id)
    rows = (
        qs.values("item_code")
        .annotate(
            n_events=Sum("events"),
            n_records=Sum("records"),
            n_bytes=Sum("bytes"),
            n_mismatches=Sum("mismatches"),
            n_days=Count("day", distinct=True),
            last=Max("day"),
            n_requests=Count("request_reference", distinct=True, filter=~Q(request_reference="")),
        )
        .order_by("-n_events", "item_code")
    )
    version = catalogue_in_force()
    names = dict(version.items.values_list("code", "name_zh")) if version is not None else {}
    return [
        SourceUsage(
            item_code=r["item_code"],
            item_name=names.get(r["item_code"], ""),
            events=r["n_events"] or 0,
            records=r["n_records"] or 0,
            bytes=r["n_bytes"] or 0,
            mismatches=r["n_mismatches"] or 0,
            active_days=r["n_days"] or 0,
            last_day=r["last"],
            requests=r["n_requests"] or 0,
        )
        for r in rows
    ]


def ledger_export_rows(events):
    from django.utils.translation import gettext as _

    header = [
        _("Event"),
        _("System"),
        _("Kind"),
        _("Occurred at"),
        _("Who"),
        _("Request"),
        _("Data items"),
        _("Records"),
        _("Bytes"),
        _("Checksum"),
        _("Channel"),
        _("Encrypted"),
        _("Mismatches"),
        _("Entry hash"),
    ]
    rows = (
        [
            e.external_id,
            e.system.name,
            e.get_kind_display(),
            e.occurred_at,
            e.actor,
            e.request_reference,
            " ".join(e.item_codes),
            e.record_count,
            e.byte_count,
            e.checksum,
            e.channel,
            _("yes") if e.encrypted else _("no"),
            " ".join(e.mismatches),
            e.entry_hash,
        ]
        for e in events.select_related("system").order_by("id").iterator(chunk_size=2000)
    )
    return header, rows


def inspection_totals(start, end) -> dict:
    """The inspection pack's data-sharing section (reporting.inspection.sharing): the transfers
    the ledger received in [start, end) by kind, their records and mismatches, beside the
    sharing requests and the registrations made in the period."""
    from django.utils.translation import gettext as _

    from .models import LedgerEvent, SharingRegistration, SharingRequest

    events = LedgerEvent.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
    by_kind = events.values("kind").annotate(n=Count("pk")).order_by("kind")
    kinds = dict(LedgerEvent.Kind.choices)
    summary = events.aggregate(
        n=Count("pk"),
        records=Sum("record_count"),
        mismatches=Count("pk", filter=Q(is_mismatch=True)),
    )
    requests = SharingRequest.objects.filter(created_at__gte=start, created_at__lt=end).count()
    registrations = SharingRegistration.objects.filter(
        created_at__gte=start, created_at__lt=end
    ).count()
    return {
        "source": "ledger",
        "note": _(
            "Transfers as the exchange systems reported them to the sharing ledger, reconciled "
            "against the approved sharing requests."
        ),
        "rows": [{"label": str(kinds.get(r["kind"], r["kind"])), "count": r["n"]} for r in by_kind]
        + [
            {
                "label": _("Transfers not matching an approved request"),
                "count": summary["mismatches"],
            }
        ],
        "totals": {
            "registrations": registrations,
            "sharing_requests": requests,
            "ledger_events": summary["n"] or 0,
            "ledger_records": summary["records"] or 0,
            "ledger_mismatches": summary["mismatches"] or 0,
        },
    }
