"""Reads of the reporting app (always through the visibility rule)."""

from collections import defaultdict
from datetime import datetime, timedelta

from django.db.models import Prefetch
from django.utils import timezone

from .models import (
    Recipient,
    RegulatorNotice,
    RegulatoryReport,
    ReportApproval,
    ReportingRule,
    ReportSubmission,
    RiskIntelligence,
)


def rule_list(*, user, include_history: bool = False):
    qs = ReportingRule.objects.visible_to(user)
    return qs if include_history else qs.active()


def report_list(*, user, status=None, incident=None, recipient=None, stage=None):
    qs = RegulatoryReport.objects.visible_to(user).select_related(
        "incident", "notice", "deadline", "author"
    )
    if status:
        qs = qs.filter(status=status)
    if incident:
        qs = qs.filter(incident=incident)
    if recipient:
        qs = qs.filter(recipient=recipient)
    if stage:
        qs = qs.filter(stage=stage)
    return qs.order_by("due_at", "id")


def report_get(*, user, pk):
    return (
        RegulatoryReport.objects.visible_to(user)
        .select_related("incident", "notice", "deadline", "rule", "author", "template")
        .prefetch_related(
            "versions__approved_by",
            "versions__author",
            Prefetch(
                "approvals",
                queryset=ReportApproval.objects.select_related("requested_by", "decided_by"),
            ),
            "submissions__submitted_by",
            "contributors",
        )
        .get(pk=pk)
    )


def reports_for_incident(*, user, incident):
    return report_list(user=user, incident=incident)


def notice_list(*, user):
    return RegulatorNotice.objects.visible_to(user).select_related("handler", "incident")


def intelligence_list(*, user, status=None):
    qs = RiskIntelligence.objects.visible_to(user).select_related("incident", "notice")
    return qs.filter(status=status) if status else qs


def quarter_of(dt: datetime) -> str:
    local = timezone.localtime(dt)
    return f"{local.year}-Q{(local.month - 1) // 3 + 1}"


def report_metrics(*, user, year: int | None = None) -> list[dict]:
    """Reports due, submitted on time and late (late submissions plus reports past due and not
    submitted) per quarter and recipient. Drills and cancelled reports never count."""
    now = timezone.now()
    reports = (
        RegulatoryReport.objects.visible_to(user)
        .filter(is_drill=False, due_at__isnull=False)
        .exclude(status=RegulatoryReport.Status.CANCELLED)
        .prefetch_related("submissions")
    )
    if year:
        reports = reports.filter(due_at__year=year)
    rows: dict[tuple[str, str], dict] = defaultdict(
        lambda: {"due": 0, "on_time": 0, "late": 0, "overdue": 0, "pending": 0}
    )
    for report in reports:
        row = rows[(quarter_of(report.due_at), report.recipient)]
        row["due"] += 1
        submissions = sorted(report.submissions.all(), key=lambda s: s.submitted_at)
        if submissions:
            row["on_time" if submissions[0].on_time else "late"] += 1
        elif report.due_at < now:
            row["late"] += 1
            row["overdue"] += 1
        else:
            row["pending"] += 1
    labels = dict(Recipient.choices)
    return [
        {"quarter": q, "recipient": r, "recipient_label": labels.get(r, r), **counts}
        for (q, r), counts in sorted(rows.items())
    ]


def submissions_list(*, user):
    return ReportSubmission.objects.visible_to(user).select_related(
        "report", "version", "submitted_by"
    )


def active_criteria():
    """The grading criteria in force, with their sources and markers, for the rules page."""
    from incidents.models import GradingCriterion

    return GradingCriterion.objects.filter(criterion_set__state="active").order_by("order", "id")


# --- the incident page's and the home's clocks ---------------------------------------------------


def case_report_clocks(incident_ids: list[int]) -> list:
    """incidents.clocks source: every regulatory report of these cases, one read."""
    from django.urls import reverse

    from incidents.clocks import CaseClock

    from .models import Stage

    S = RegulatoryReport.Status
    recipients, stages, statuses = dict(Recipient.choices), dict(Stage.choices), dict(S.choices)
    rows = (
        RegulatoryReport.objects.filter(incident_id__in=incident_ids)
        .order_by("due_at", "id")
        .values("id", "incident_id", "title", "due_at", "recipient", "stage", "status", "is_drill")
    )
    clocks = []
    for r in rows:
        owed = (S.DRAFT, S.IN_REVIEW) if r["is_drill"] else (S.DRAFT, S.IN_REVIEW, S.APPROVED)
        clocks.append(
            CaseClock(
                incident_id=r["incident_id"],
                title=r["title"],
                due_at=r["due_at"],
                url=reverse("reporting:report-detail", args=[r["id"]]),
                done=r["status"] not in owed,
                recipient=str(recipients.get(r["recipient"], r["recipient"])),
                stage=str(stages.get(r["stage"], r["stage"])),
                status=str(statuses.get(r["status"], r["status"])),
                status_code=r["status"],
            )
        )
    return clocks


HOME_LIMIT = 10


def reports_due_soon(*, user, hours: int = 24) -> list:
    """Reports still owed whose deadline falls within the next `hours` (or has passed)."""
    S = RegulatoryReport.Status
    until = timezone.now() + timedelta(hours=hours)
    return list(
        RegulatoryReport.objects.visible_to(user)
        .filter(status__in=(S.DRAFT, S.IN_REVIEW, S.APPROVED), due_at__lte=until)
        .exclude(is_drill=True, status=S.APPROVED)
        .select_related("incident")
        .only("id", "title", "due_at", "status", "recipient", "incident__id", "incident__reference")
        .order_by("due_at", "id")[:HOME_LIMIT]
    )


def approvals_waiting_for(*, user) -> list:
    """Reports awaiting a second person's approval that this user may give (four eyes: not
    a report the user wrote or drafted)."""
    S = RegulatoryReport.Status
    return list(
        RegulatoryReport.objects.visible_to(user)
        .filter(status=S.IN_REVIEW, approvals__decision=ReportApproval.Decision.PENDING)
        .exclude(author=user)
        .exclude(contributors=user)
        .select_related("incident")
        .only("id", "title", "due_at", "status", "incident__id", "incident__reference")
        .distinct()
        .order_by("due_at", "id")[:HOME_LIMIT]
    )
