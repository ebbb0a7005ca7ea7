"""Case metrics for the officer's dashboard and its Excel export (issue 21.5).

Per month or quarter of the discovery date (Asia/Shanghai), over the real cases (drills never
count) the user may see:
- time to grade (discovery -> first grade decision), to first report (discovery -> first
  submission of a non-drill report to a regulator) and to resolve (discovery -> resolved), in
  hours: median (the middle value, the mean of the two middle ones for an even count) and p90
  (nearest rank: the smallest value with at least 90 % of the values at or below it);
- the on-time reporting rate: submissions recorded on time / all submissions, by the month or
  quarter of submission;
- counts by grade, category, source and department (the case's team).
"""

import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Min, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incidents.models import Incident

from .models import ReportSubmission

GRANULARITIES = ("month", "quarter")
DIMENSIONS = {
    "grade": _("Grade"),
    "category": _("Category"),
    "source": _("Source"),
    "department": _("Department"),
}
DURATIONS = {
    "grade": _("Time to grade"),
    "report": _("Time to first report"),
    "resolve": _("Time to resolve"),
}


def period_of(at: datetime, by: str) -> str:
    local = timezone.localtime(at)
    if by == "quarter":
        return f"{local.year}-Q{(local.month - 1) // 3 + 1}"
    return f"{local.year}-{local.month:02d}"


def periods_of_year(year: int, by: str) -> list[str]:
    if by == "quarter":
        return [f"{year}-Q{q}" for q in range(1, 5)]
    return [f"{year}-{m:02d}" for m in range(1, 13)]


def p90(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _hours(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None or end < start:
        return None
    return (end - start).total_seconds() / 3600


@dataclass
class PeriodFigures:
    period: str
    cases: int = 0
    hours: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    submissions: int = 0
    on_time: int = 0
    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))

    def duration(self, kind: str) -> dict:
        values = self.hours.get(kind, [])
        return {"n": len(values), "median": median(values), "p90": p90(values)}

    @property
    def grade_figures(self) -> dict:
        return self.duration("grade")

    @property
    def report_figures(self) -> dict:
        return self.duration("report")

    @property
    def resolve_figures(self) -> dict:
        return self.duration("resolve")

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.submissions if self.submissions else None


@dataclass
class CaseMetrics:
    year: int
    by: str
    periods: list[PeriodFigures]
    total: PeriodFigures
    labels: dict[str, dict[str, str]]

    def count_tables(self) -> list[dict]:
        """Per dimension: each value's count per period and in the year, for the dashboard."""
        return [
            {
                "dimension": dimension,
                "label": label,
                "rows": [
                    {
                        "label": self.labels[dimension].get(value, value),
                        "counts": [row.counts[dimension].get(value, 0) for row in self.periods],
                        "total": self.total.counts[dimension].get(value, 0),
                    }
                    for value in self.values(dimension)
                ],
            }
            for dimension, label in DIMENSIONS.items()
        ]

    def values(self, dimension: str) -> list[str]:
        """Values of a dimension that occur in the year, most frequent first."""
        return [value for value, _n in self.total.counts[dimension].most_common()]


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)


def case_metrics(*, user, year: int, by: str = "month") -> CaseMetrics:
    if by not in GRANULARITIES:
        by = "month"
    start, end = _year_bounds(year)
    first_submission = (
        ReportSubmission.objects.filter(report__incident=OuterRef("pk"), report__is_drill=False)
        .order_by("submitted_at")
        .values("submitted_at")[:1]
    )
    cases = (
        Incident.objects.visible_to(user)
        .real()
        .filter(discovered_at__gte=start, discovered_at__lt=end)
        .annotate(
            first_grade_at=Min("grade_decisions__decided_at"),
            first_report_at=Subquery(first_submission),
        )
        .select_related("team")
        .order_by()
    )
    figures = {p: PeriodFigures(p) for p in periods_of_year(year, by)}
    total = PeriodFigures(str(year))
    team_names: dict[str, str] = {}
    for case in cases:
        row = figures[period_of(case.discovered_at, by)]
        for target in (row, total):
            target.cases += 1
            for kind, end_at in (
                ("grade", case.first_grade_at),
                ("report", case.first_report_at),
                ("resolve", case.resolved_at),
            ):
                hours = _hours(case.discovered_at, end_at)
                if hours is not None:
                    target.hours[kind].append(hours)
            department = str(case.team_id or "")
            team_names[department] = case.team.name if case.team else str(_("No department"))
            for dimension, value in (
                ("grade", case.grade or ""),
                ("category", case.category),
                ("source", case.source),
                ("department", department),
            ):
                target.counts[dimension][value] += 1

    submissions = (
        ReportSubmission.objects.visible_to(user)
        .filter(report__is_drill=False, submitted_at__gte=start, submitted_at__lt=end)
        .values_list("submitted_at", "on_time")
    )
    for submitted_at, on_time in submissions:
        for target in (figures[period_of(submitted_at, by)], total):
            target.submissions += 1
            target.on_time += int(bool(on_time))

    labels = {
        "grade": {
            "": str(_("Not graded")),
            **{k: str(v) for k, v in Incident._meta.get_field("grade").choices},
        },
        "category": {k: str(v) for k, v in Incident.Category.choices},
        "source": {k: str(v) for k, v in Incident.Source.choices},
        "department": team_names,
    }
    return CaseMetrics(year, by, list(figures.values()), total, labels)


def chart_options(metrics: CaseMetrics) -> dict[str, dict]:
    """ECharts options (JSON-safe) for the dashboard's {% chart %} components."""
    periods = [row.period for row in metrics.periods]
    durations = {
        "tooltip": {"trigger": "axis"},
        "legend": {},
        "xAxis": {"type": "category", "data": periods},
        "yAxis": {"type": "value", "name": str(_("hours (median)"))},
        "series": [
            {
                "name": str(label),
                "type": "line",
                "connectNulls": True,
                "data": [
                    round(v, 1) if (v := row.duration(kind)["median"]) is not None else None
                    for row in metrics.periods
                ],
            }
            for kind, label in DURATIONS.items()
        ],
    }
    grades = {
        "tooltip": {"trigger": "axis"},
        "legend": {},
        "xAxis": {"type": "category", "data": periods},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {
                "name": metrics.labels["grade"].get(value, value),
                "type": "bar",
                "stack": "cases",
                "data": [row.counts["grade"].get(value, 0) for row in metrics.periods],
            }
            for value in metrics.values("grade")
        ],
    }
    on_time = {
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "category", "data": periods},
        "yAxis": {"type": "value", "max": 100, "name": "%"},
        "series": [
            {
                "name": str(_("On-time reporting rate")),
                "type": "bar",
                "data": [
                    round(row.on_time_rate * 100, 1) if row.on_time_rate is not None else None
                    for row in metrics.periods
                ],
            }
        ],
    }
    return {"durations": durations, "grades": grades, "on_time": on_time}


def _round(value: float | None) -> float | None:
    return round(value, 2) if value is not None else None


def workbook(metrics: CaseMetrics) -> bytes:
    """The dashboard's figures as an Excel workbook: durations and rates, then counts."""
    from django.utils import translation

    from core.exports import xlsx_bytes

    with translation.override("zh-hans"):
        header = [_("Period"), _("Cases")]
        for label in DURATIONS.values():
            header += [
                f"{label}（{_('cases')}）",
                f"{label}（{_('median, hours')}）",
                f"{label}（{_('p90, hours')}）",
            ]
        header += [_("Submissions"), _("On time"), _("On-time reporting rate")]
        rows = []
        for row in [*metrics.periods, metrics.total]:
            line: list = [row.period, row.cases]
            for kind in DURATIONS:
                figures = row.duration(kind)
                line += [figures["n"], _round(figures["median"]), _round(figures["p90"])]
            line += [row.submissions, row.on_time, _round(row.on_time_rate)]
            rows.append(line)
        counts = []
        for dimension, label in DIMENSIONS.items():
            for value in metrics.values(dimension):
                counts.append(
                    [
                        str(label),
                        metrics.labels[dimension].get(value, value),
                        *[row.counts[dimension].get(value, 0) for row in metrics.periods],
                        metrics.total.counts[dimension].get(value, 0),
                    ]
                )
        count_header = [
            _("Dimension"),
            _("Value"),
            *[r.period for r in metrics.periods],
            _("Total"),
        ]
        return xlsx_bytes(
            [
                (_("Case metrics"), [str(h) for h in header], rows),
                (_("Counts"), [str(h) for h in count_header], counts),
            ]
        )
