"""Reads for the sharing evaluation (§7 数据共享评估): usage frequency and validity per shared data
source, from the ledger's daily usage (one row per day, data item and request), never from the
million events themselves."""

import datetime
from dataclasses import dataclass

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policy import visible_to

from .models import SharingEvaluation


@dataclass
class SourceUsage:
    source: str  # "<item code> <Chinese name>"
    item_code: str
    category: str
    counterparty_id: int | None
    counterparty_name: str
    events: int
    records: int
    mismatches: int
    events_previous: int


def _catalogue_names(codes) -> dict[str, tuple[str, str]]:
    """code -> (Chinese name, business category), from the catalogue in force (or the newest
    version that named the code)."""
    from .models import CatalogueItem

    names: dict[str, tuple[str, str]] = {}
    for item in (
        CatalogueItem.objects.filter(code__in=list(codes))
        .select_related("version")
        .order_by("version__number")
    ):
        names[item.code] = (item.name_zh, item.business_category)
    return names


def usage_by_source(*, start: datetime.date, end: datetime.date) -> list[SourceUsage]:
    """Per data item and sharing party: events, records and mismatches in [start, end], and the
    events of the previous period of the same length (the change of usage frequency)."""
    from .models import Counterparty, LedgerUsageDaily

    length = (end - start).days + 1
    prev_start = start - datetime.timedelta(days=length)
    prev_end = start - datetime.timedelta(days=1)

    def grouped(first, last):
        return {
            (r["item_code"], r["counterparty"]): r
            for r in LedgerUsageDaily.objects.filter(day__gte=first, day__lte=last)
            .values("item_code", "counterparty")
            .annotate(
                n_events=Sum("events"), n_records=Sum("records"), n_mismatches=Sum("mismatches")
            )
        }

    now, before = grouped(start, end), grouped(prev_start, prev_end)
    names = _catalogue_names({code for code, _party in now})
    parties = dict(
        Counterparty.objects.filter(pk__in={p for _c, p in now if p}).values_list("pk", "name")
    )
    rows = []
    for (code, party), r in now.items():
        name, category = names.get(code, (code, _("Not in the catalogue")))
        rows.append(
            SourceUsage(
                source=f"{code} {name}" if name != code else code,
                item_code=code,
                category=category,
                counterparty_id=party,
                counterparty_name=parties.get(party, ""),
                events=r["n_events"] or 0,
                records=r["n_records"] or 0,
                mismatches=r["n_mismatches"] or 0,
                events_previous=(before.get((code, party)) or {}).get("n_events") or 0,
            )
        )
    rows.sort(key=lambda r: (r.category, r.source, r.counterparty_name))
    return rows


def _rate(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


def figures(evaluation: SharingEvaluation) -> dict:
    """The usage and validity figures of the scope, frozen into the report."""
    sources = []
    totals = {"transfers": 0, "transfers_previous": 0, "records": 0, "clean_transfers": 0}
    for item in evaluation.scope_items.select_related("counterparty").order_by(
        "category", "source"
    ):
        change = item.frequency_change
        sources.append(
            {
                "category": item.category,
                "source": item.source,
                "party": item.counterparty.name if item.counterparty is not None else "",
                "transfers": item.transfers,
                "transfers_previous": item.transfers_previous,
                "frequency_change": _rate(change),
                "records": item.records,
                "valid_records": item.valid_records,
                "validity": _rate(item.validity_rate),
            }
        )
        for key in totals:
            totals[key] += getattr(item, key)
    overall = totals["clean_transfers"] / totals["transfers"] if totals["transfers"] else None
    return {
        "computed_at": timezone.now().isoformat(),
        "sources": sources,
        "totals": {**totals, "validity": _rate(overall)},
    }


def figures_lines(figures) -> list[tuple[str, str]]:
    """Frozen usage figures as the audit log shows them: when, how many sources, the totals."""
    if not isinstance(figures, dict):
        return [("", str(figures))]
    totals = figures.get("totals") or {}
    computed = figures.get("computed_at")
    moment = datetime.datetime.fromisoformat(computed) if computed else None
    return [
        (
            _("Computed at"),
            timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—",
        ),
        (_("Shared data sources"), str(len(figures.get("sources") or []))),
        (_("Transfers"), str(totals.get("transfers", "—"))),
        (_("Records"), str(totals.get("records", "—"))),
        (_("Validity"), str(totals.get("validity") or "—")),
    ]


def plan_summary(evaluation: SharingEvaluation) -> str:
    """方案 for the report: scope, objects, team, method (the measures) and schedule."""
    team = "；".join(
        f"{m.user}（{m.get_layer_display()}）"
        for m in evaluation.team.select_related("user").order_by("layer", "id")
    )
    measures = "；".join(f"{m.name}：{m.method}" for m in evaluation.measures.all())
    parts = [
        (_("Scope"), evaluation.plan_scope),
        (_("Objects"), evaluation.plan_objects),
        (_("Team"), team),
        (_("Methods"), measures),
        (_("Schedule"), evaluation.plan_schedule),
    ]
    return "\n".join(f"{label}：{text}" for label, text in parts if text)


def evaluation_list(*, user):
    return (
        visible_to(user, SharingEvaluation.objects.all())
        .select_related("created_by", "report_approved_by")
        .order_by("-period_start", "-id")
    )


def evaluation_detail(*, user, pk: int) -> SharingEvaluation:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        visible_to(user, SharingEvaluation.objects.all()).select_related(
            "created_by", "plan_approved_by", "report_approved_by"
        ),
        pk=pk,
    )


def evaluation_evidence(first: datetime.date, last: datetime.date) -> list:
    """O13's evidence rule ("sharing.evaluation"): the evaluations whose report was approved
    within the period."""
    from .obligations import Evidence
    from .selectors import local_day_range

    start, end = local_day_range(first, last)
    return [
        Evidence(
            label=f"{e.reference} {e.title}"[:200],
            url=e.get_absolute_url(),
            on=timezone.localdate(e.report_approved_at),
        )
        for e in SharingEvaluation.objects.filter(
            state=SharingEvaluation.State.APPROVED,
            report_approved_at__gte=start,
            report_approved_at__lt=end,
        ).order_by("report_approved_at")
    ]
