"""Which reporting rules apply to an incident, and when each report is due.

A rule's deadline expression is data (anchor + amount + unit [+ repeat]); this module evaluates it
on the deadline engine's calendar, so working days follow the mainland holidays and make-up
working days."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from deadlines import calendar as work_calendar

from .models import GRADE_RANK, Anchor, CIIScope, OffsetUnit, ReportingRule


@dataclass(frozen=True)
class Due:
    at: datetime | None  # None: the anchor has not happened yet (e.g. not resolved)
    confirmed: bool = True


def incident_is_cii(incident) -> bool:
    """The incident involves critical information infrastructure (the flag, or a CII system)."""
    if incident.cii_involved:
        return True
    return incident.affected_systems.filter(is_cii=True).exists()


def incident_graded_at(incident) -> datetime | None:
    decision = incident.grade_decisions.order_by("-decided_at", "-id").first()
    return decision.decided_at if decision else None


def rule_matches(rule: ReportingRule, *, grade: str, is_cii: bool, discovered_at) -> bool:
    if not grade or grade not in GRADE_RANK:
        return False
    rank = GRADE_RANK[grade]
    if not GRADE_RANK[rule.most_severe_grade] <= rank <= GRADE_RANK[rule.least_severe_grade]:
        return False
    if rule.cii_scope == CIIScope.CII_ONLY and not is_cii:
        return False
    if rule.cii_scope == CIIScope.NON_CII_ONLY and is_cii:
        return False
    if rule.effective_from and discovered_at:
        local_day = discovered_at.astimezone(work_calendar.SHANGHAI).date()
        if local_day < rule.effective_from:
            return False
    return True


def applicable_rules(*, grade: str, is_cii: bool, discovered_at) -> list[ReportingRule]:
    rules = ReportingRule.objects.active().order_by("regime", "recipient", "stage", "code")
    return [
        r for r in rules if rule_matches(r, grade=grade, is_cii=is_cii, discovered_at=discovered_at)
    ]


def add_offset(start: datetime, amount: int, unit: str) -> Due:
    if unit == OffsetUnit.MINUTES:
        return Due(work_calendar.add_hours(start, 0) + timedelta(minutes=amount))
    if unit == OffsetUnit.HOURS:
        return Due(work_calendar.add_hours(start, amount))
    if unit == OffsetUnit.CALENDAR_DAYS:
        return Due(work_calendar.add_calendar_days(start, amount))
    if unit == OffsetUnit.WORKING_DAYS:
        # "Within N working days": the whole N-th working day counts.
        at, confirmed = work_calendar.add_working_days(start, amount, end_of_day=True)
        return Due(at, confirmed)
    raise ValueError(f"unknown offset unit {unit!r}")


def anchor_time(rule: ReportingRule, *, discovered_at, graded_at, resolved_at):
    return {
        Anchor.DISCOVERED: discovered_at,
        Anchor.GRADED: graded_at,
        Anchor.RESOLVED: resolved_at,
    }[rule.anchor]


def compute_due(rule: ReportingRule, *, discovered_at, graded_at=None, resolved_at=None) -> Due:
    """The first due time of `rule` (for a repeating rule: its first occurrence)."""
    start = anchor_time(
        rule, discovered_at=discovered_at, graded_at=graded_at, resolved_at=resolved_at
    )
    if start is None:
        return Due(None)
    return add_offset(start, rule.offset_amount, rule.offset_unit)


def next_repeat(rule: ReportingRule, *, previous_due: datetime, now: datetime) -> datetime:
    """The next occurrence of a repeating rule after `previous_due` that is still ahead of `now`
    (occurrences that passed while nobody could report are skipped, not stacked up)."""
    step = timedelta(hours=rule.repeat_every_hours)
    due = previous_due + step
    while due <= now:
        due += step
    return due


def due_for_incident(rule: ReportingRule, incident) -> Due:
    return compute_due(
        rule,
        discovered_at=incident.discovered_at,
        graded_at=incident_graded_at(incident),
        resolved_at=incident.resolved_at,
    )
