"""Obligations are data; the evidence for each comes from a rule looked up by code.

Apps that own the evidence (incidents' drills, training) call `register_evidence_rule` from
their AppConfig.ready(), so governance never imports them. A rule receives a period's first and
last day and returns the evidence found inside it; until a rule is registered an officer attaches
evidence by hand."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Evidence:
    label: str
    url: str
    on: datetime.date


EvidenceRule = Callable[[datetime.date, datetime.date], list[Evidence]]

_rules: dict[str, EvidenceRule] = {}


def register_evidence_rule(code: str, func: EvidenceRule) -> None:
    _rules[code] = func


def evidence_rule(code: str) -> EvidenceRule | None:
    return _rules.get(code)


def registered_rule_codes() -> list[str]:
    return sorted(_rules)


# --- periods ----------------------------------------------------------------------------------


def period_bounds(frequency: str, day: datetime.date) -> tuple[datetime.date, datetime.date, str]:
    """The period (first day, last day, label) of `frequency` that contains `day`."""
    if frequency == "quarterly":
        q = (day.month - 1) // 3
        start = datetime.date(day.year, q * 3 + 1, 1)
        end_month = q * 3 + 3
        end = (
            datetime.date(day.year, 12, 31)
            if end_month == 12
            else datetime.date(day.year, end_month + 1, 1) - datetime.timedelta(days=1)
        )
        return start, end, f"{day.year}-Q{q + 1}"
    return datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31), str(day.year)


def periods_between(frequency: str, first: datetime.date, last: datetime.date):
    """Every period of `frequency` from the one containing `first` to the one containing `last`."""
    start, end, label = period_bounds(frequency, first)
    while start <= last:
        yield start, end, label
        start, end, label = period_bounds(frequency, end + datetime.timedelta(days=1))


# --- governance's own rules: meetings held in the period --------------------------------------


def _held_meetings(kind: str):
    def rule(first: datetime.date, last: datetime.date) -> list[Evidence]:
        from .models import Meeting
        from .selectors import local_day_range

        start, end = local_day_range(first, last)
        meetings = Meeting.objects.filter(
            kind=kind, state=Meeting.State.HELD, held_at__gte=start, held_at__lt=end
        ).order_by("held_at")
        return [
            Evidence(label=m.title, url=m.get_absolute_url(), on=m.held_at.date())
            for m in meetings
            if m.held_at is not None  # the filter on held_at already excludes the empty ones
        ]

    return rule


def register_builtin_rules() -> None:
    from .models import MeetingKind

    register_evidence_rule(
        "meeting.quarterly_security", _held_meetings(MeetingKind.QUARTERLY_SECURITY)
    )
    register_evidence_rule("meeting.annual_review", _held_meetings(MeetingKind.ANNUAL_REVIEW))
    from .evaluation_selectors import evaluation_evidence

    register_evidence_rule("sharing.evaluation", evaluation_evidence)  # O13


MANUAL_EVIDENCE_HINT = _("No automatic evidence rule yet: attach the evidence by hand.")
