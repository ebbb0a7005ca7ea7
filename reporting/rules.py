"""Which reporting rules apply to an incident, and when each report is due.

A rule's deadline expression is data (anchor + amount + unit [+ repeat] + time of day); this
module evaluates it on the deadline engine's calendar, so working days follow the mainland
holidays and make-up working days. A rule whose source is repealed never applies (it is shown
for reference only); a rule with a condition (`applies_when`) applies only when the case meets it.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from deadlines import calendar as work_calendar

from .models import GRADE_RANK, Anchor, AppliesWhen, CIIScope, OffsetUnit, ReportingRule


@dataclass(frozen=True)
class Due:
    at: datetime | None  # None: the anchor has not happened yet (e.g. not resolved)
    confirmed: bool = True


@dataclass(frozen=True)
class CaseFacts:
    """What the rules' conditions read from a case."""

    is_outage: bool = False
    is_leak: bool = False
    restored_at: datetime | None = None  # service restored (or handling ended)
    suspected_crime_at: datetime | None = None
    cause_pending: bool = False  # the cause was not known when handling ended
    cause_established_at: datetime | None = None


def incident_is_cii(incident) -> bool:
    """The incident involves critical information infrastructure (the flag, or a CII system)."""
    if incident.cii_involved:
        return True
    return incident.affected_systems.filter(is_cii=True).exists()


def service_restored_at(incident) -> datetime | None:
    times = [t for t in (incident.service_restored_at, incident.resolved_at) if t is not None]
    return min(times) if times else None


def case_facts(incident) -> CaseFacts:
    systems = list(incident.affected_systems.all())
    outage = incident.service_restored_at is not None or any(
        s.outage_minutes or s.main_function_outage_minutes for s in systems
    )
    leak = (
        incident.category == "data_security"
        or bool(incident.persons_leaked)
        or bool(incident.records_leaked)
    )
    established = incident.cause_established_at
    pending = incident.cause_unknown or bool(
        established and incident.resolved_at and established > incident.resolved_at
    )
    return CaseFacts(
        is_outage=outage,
        is_leak=leak,
        restored_at=service_restored_at(incident),
        suspected_crime_at=incident.suspected_crime_at,
        cause_pending=pending,
        cause_established_at=None if incident.cause_unknown else established,
    )


def incident_graded_at(incident) -> datetime | None:
    decision = incident.grade_decisions.order_by("-decided_at", "-id").first()
    return decision.decided_at if decision else None


def _condition_holds(rule: ReportingRule, case: CaseFacts | None) -> bool:
    when = rule.applies_when or AppliesWhen.ALWAYS
    if when in (AppliesWhen.ALWAYS, AppliesWhen.CAUSE_KNOWN):
        return True
    if when in (AppliesWhen.OPENED, AppliesWhen.DRILL) or case is None:
        return False  # opened by the reporter, or not about an incident
    if when == AppliesWhen.OUTAGE:
        return case.is_outage
    if when == AppliesWhen.LEAK:
        return case.is_leak
    if when == AppliesWhen.CAUSE_UNKNOWN:
        return case.cause_pending
    if when == AppliesWhen.SUSPECTED_CRIME:
        return case.suspected_crime_at is not None
    return False


def rule_matches(
    rule: ReportingRule, *, grade: str, is_cii: bool, discovered_at, case: CaseFacts | None = None
) -> bool:
    if rule.source_repealed:
        return False  # shown for reference only
    crime = rule.applies_when == AppliesWhen.SUSPECTED_CRIME
    if crime and not grade:
        pass  # the police are told of a suspected crime whatever the grade, graded or not
    elif not grade or grade not in GRADE_RANK:
        return False
    else:
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
    return _condition_holds(rule, case)


def applicable_rules(
    *, grade: str, is_cii: bool, discovered_at, case: CaseFacts | None = None
) -> list[ReportingRule]:
    rules = ReportingRule.objects.active().order_by("regime", "recipient", "stage", "code")
    return [
        r
        for r in rules
        if rule_matches(r, grade=grade, is_cii=is_cii, discovered_at=discovered_at, case=case)
    ]


def add_offset(start: datetime, amount: int, unit: str, *, end_of_day: bool = True) -> Due:
    if unit == OffsetUnit.MINUTES:
        return Due(work_calendar.add_hours(start, 0) + timedelta(minutes=amount))
    if unit == OffsetUnit.HOURS:
        return Due(work_calendar.add_hours(start, amount))
    if unit == OffsetUnit.CALENDAR_DAYS:
        at = work_calendar.add_calendar_days(start, amount)
        if end_of_day:
            at = datetime.combine(at.date(), time(23, 59, 59)).replace(tzinfo=at.tzinfo)
        return Due(at)
    if unit == OffsetUnit.WORKING_DAYS:
        # "Within N working days": the whole N-th working day counts (always end of day).
        at, confirmed = work_calendar.add_working_days(start, amount, end_of_day=True)
        return Due(at, confirmed)
    raise ValueError(f"unknown offset unit {unit!r}")


def anchor_time(
    rule: ReportingRule,
    *,
    discovered_at,
    graded_at,
    resolved_at,
    case: CaseFacts | None = None,
    opened_at=None,
    drill_completed_at=None,
):
    if rule.anchor == Anchor.RESOLVED and rule.applies_when == AppliesWhen.CAUSE_KNOWN and case:
        if case.cause_pending:
            # The preliminary analysis went in instead; the final report follows the cause.
            return case.cause_established_at
    starts: dict[str, datetime | None] = {
        Anchor.DISCOVERED: discovered_at,
        Anchor.GRADED: graded_at,
        Anchor.RESOLVED: resolved_at,
        Anchor.OPENED: opened_at,
        Anchor.CRIME_SUSPECTED: case.suspected_crime_at if case else None,
        Anchor.DRILL_COMPLETED: drill_completed_at,
    }
    return starts[rule.anchor]


def compute_due(
    rule: ReportingRule,
    *,
    discovered_at=None,
    graded_at=None,
    resolved_at=None,
    case: CaseFacts | None = None,
    opened_at=None,
    drill_completed_at=None,
) -> Due:
    """The first due time of `rule` (for a repeating rule: its first occurrence)."""
    start = anchor_time(
        rule,
        discovered_at=discovered_at,
        graded_at=graded_at,
        resolved_at=resolved_at,
        case=case,
        opened_at=opened_at,
        drill_completed_at=drill_completed_at,
    )
    if start is None:
        return Due(None)
    return add_offset(
        start, rule.offset_amount, rule.offset_unit, end_of_day=rule.ends_at_end_of_day
    )


def next_repeat(rule: ReportingRule, *, previous_due: datetime, now: datetime) -> datetime:
    """The next occurrence of a repeating rule after `previous_due` that is still ahead of `now`
    (occurrences that passed while nobody could report are skipped, not stacked up)."""
    if rule.repeat_every_hours is None:
        raise ValueError(f"Rule {rule.code} does not repeat.")
    step = timedelta(hours=rule.repeat_every_hours)
    due = previous_due + step
    while due <= now:
        due += step
    return due


def due_for_incident(rule: ReportingRule, incident, *, opened_at=None) -> Due:
    return compute_due(
        rule,
        discovered_at=incident.discovered_at,
        graded_at=incident_graded_at(incident),
        resolved_at=incident.resolved_at,
        case=case_facts(incident),
        opened_at=opened_at,
    )


def due_for_report(report) -> Due | None:
    """Recompute an open report's due time from its rule (None: not computed by a rule)."""
    rule = report.rule
    if rule is None:
        return None
    if report.drill_id:
        completed = report.drill.completed_at
        return compute_due(rule, drill_completed_at=completed)
    if report.incident_id:
        return due_for_incident(rule, report.incident, opened_at=report.opened_at)
    return None
