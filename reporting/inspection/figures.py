"""Every figure of the inspection pack, computed once for a period [start, end] (local dates,
Asia/Shanghai). The DOCX and the XLSX render this same dictionary, so they cannot disagree.

Definitions (written in the pack too):
- incidents: real (not drill) incidents discovered in the period;
- time to grade: discovery → the first grading decision; time to first report: discovery → the
  first submission of any regulatory report of the case; time to resolve: discovery → resolved.
  Hours; median and 90th percentile (linear interpolation between closest ranks);
- regulatory reports: every non-drill report due, submitted or opened in the period;
- drills: scheduled in the period; a finding is rectified when its item is verified;
- training: assignments of courses due in the period; coverage = completed / assigned; pass
  rate = passed (best score ≥ the course's pass mark) / those who took the quiz;
- meetings: held in the period; obligations: periods ending in the period (met on time, met
  late, missed, still due); agreements: their state on the period's last day;
- audit: the chain's head (the last entry written before the period ended) and the result of
  `verify_audit_log` over the whole trail when the pack is made."""

import datetime
import math
from collections import Counter, defaultdict

from django.db.models import Count, Min, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import sharing


def bounds(start: datetime.date, end: datetime.date):
    tz = timezone.get_default_timezone()
    lo = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min), tz)
    hi = timezone.make_aware(
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min), tz
    )
    return lo, hi


def percentile(values: list[float], p: float) -> float | None:
    """Linear interpolation between closest ranks (the common spreadsheet PERCENTILE.INC)."""
    if not values:
        return None
    data = sorted(values)
    k = (len(data) - 1) * p / 100
    f, c = math.floor(k), math.ceil(k)
    if f == c:
        return data[int(k)]
    return data[f] + (data[c] - data[f]) * (k - f)


def _hours(a, b) -> float | None:
    if a is None or b is None:
        return None
    return (b - a).total_seconds() / 3600


def _round(value):
    return round(value, 2) if value is not None else None


def _stats(values: list[float]) -> dict:
    values = [v for v in values if v is not None]
    med = percentile(values, 50)
    p90 = percentile(values, 90)
    return {
        "count": len(values),
        "median": round(med, 2) if med is not None else None,
        "p90": round(p90, 2) if p90 is not None else None,
    }


def _incidents(lo, hi) -> dict:
    from incidents.models import Grade, Incident, IncidentCategory
    from reporting.models import ReportSubmission

    rows = list(
        Incident.objects.filter(is_drill=False, discovered_at__gte=lo, discovered_at__lt=hi)
        .annotate(first_graded=Min("grade_decisions__decided_at"))
        .values(
            "pk",
            "reference",
            "title",
            "grade",
            "category",
            "source",
            "discovered_at",
            "resolved_at",
            "first_graded",
        )
        .order_by("discovered_at")
    )
    first_report = dict(
        ReportSubmission.objects.filter(report__incident_id__in=[r["pk"] for r in rows])
        .values("report__incident_id")
        .annotate(first=Min("submitted_at"))
        .values_list("report__incident_id", "first")
    )
    grades, categories = dict(Grade.choices), dict(IncidentCategory.choices)
    sources = dict(Incident.Source.choices)
    for r in rows:
        r["to_grade"] = _hours(r["discovered_at"], r["first_graded"])
        r["to_first_report"] = _hours(r["discovered_at"], first_report.get(r["pk"]))
        r["to_resolve"] = _hours(r["discovered_at"], r["resolved_at"])
    ungraded = _("Not graded")

    def counted(key, labels):
        counts = Counter(r[key] for r in rows)
        return [
            {"key": k, "label": str(labels.get(k, ungraded)) if k else str(ungraded), "count": n}
            for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        ]

    return {
        "count": len(rows),
        "by_grade": counted("grade", grades),
        "by_category": counted("category", categories),
        "by_source": counted("source", sources),
        "time_to_grade": _stats([r["to_grade"] for r in rows]),
        "time_to_first_report": _stats([r["to_first_report"] for r in rows]),
        "time_to_resolve": _stats([r["to_resolve"] for r in rows]),
        "rows": [
            {
                "reference": r["reference"],
                "title": r["title"],
                "grade": str(grades.get(r["grade"], ungraded)),
                "category": str(categories.get(r["category"], r["category"])),
                "source": str(sources.get(r["source"], r["source"])),
                "discovered_at": timezone.localtime(r["discovered_at"]),
                "to_grade": _round(r["to_grade"]),
                "to_first_report": _round(r["to_first_report"]),
                "to_resolve": _round(r["to_resolve"]),
            }
            for r in rows
        ],
    }


def _reports(lo, hi) -> list[dict]:
    from reporting.models import RegulatoryReport, ReportSubmission

    in_period = Q(due_at__gte=lo, due_at__lt=hi) | Q(created_at__gte=lo, created_at__lt=hi)
    submitted = ReportSubmission.objects.filter(submitted_at__gte=lo, submitted_at__lt=hi)
    reports = (
        RegulatoryReport.objects.filter(is_drill=False)
        .filter(in_period | Q(pk__in=submitted.values("report_id")))
        .select_related("incident", "notice")
        .prefetch_related(
            Prefetch(
                "submissions",
                queryset=ReportSubmission.objects.select_related("version").order_by(
                    "submitted_at"
                ),
            )
        )
        .order_by("due_at", "pk")
    )
    out = []
    for report in reports:
        subs = list(report.submissions.all())
        first = subs[0] if subs else None
        if first is None:
            on_time = None
        else:
            on_time = first.on_time
        out.append(
            {
                "case": report.incident.reference if report.incident_id else report.title,
                "stage": report.get_stage_display(),
                "recipient": report.get_recipient_display(),
                "status": report.get_status_display(),
                "due_at": timezone.localtime(report.due_at) if report.due_at else None,
                "submitted_at": timezone.localtime(first.submitted_at) if first else None,
                "on_time": on_time,
                "late_reason": first.late_reason if first else "",
                "sha256": first.version.sha256 if first else "",
            }
        )
    return out


def _drills(lo, hi) -> dict:
    from incidents.models import RectificationItem
    from training.models import Drill, DrillFinding

    drills = (
        Drill.objects.filter(scheduled_at__gte=lo, scheduled_at__lt=hi)
        .select_related("plan_version__plan")
        .prefetch_related(
            Prefetch(
                "findings",
                queryset=DrillFinding.objects.select_related("rectification", "plan_change"),
            )
        )
        .order_by("scheduled_at")
    )
    rows, findings_total, rectified = [], 0, 0
    for d in drills:
        findings = []
        for f in d.findings.all():
            item = f.rectification
            done = item is not None and item.state == RectificationItem.State.VERIFIED
            findings_total += 1
            rectified += done
            findings.append(
                {
                    "description": f.description,
                    "rectification": item.get_state_display() if item else _("No item"),
                    "rectified": done,
                    "plan_change": f.plan_change.description if f.plan_change_id else "",
                }
            )
        rows.append(
            {
                "title": d.title,
                "type": d.get_drill_type_display(),
                "status": d.get_status_display(),
                "scheduled_at": timezone.localtime(d.scheduled_at),
                "plan": str(d.plan_version) if d.plan_version_id else "",
                "findings": findings,
            }
        )
    return {"rows": rows, "findings": findings_total, "rectified": rectified}


def _training(start, end) -> dict:
    from training.models import Course, TrainingAssignment

    rows = (
        TrainingAssignment.objects.filter(due_date__gte=start, due_date__lte=end)
        .exclude(course__status=Course.Status.ARCHIVED)
        .values(
            "pk",
            "user__job_role__name",
            "user__department__name",
            "status",
            "best_score",
            "course__pass_mark",
        )
    )
    by_role: dict[str, list] = defaultdict(lambda: [0, 0, 0, 0])
    by_dept: dict[str, list] = defaultdict(lambda: [0, 0, 0, 0])
    for r in rows:
        for table, key in (
            (by_role, r["user__job_role__name"]),
            (by_dept, r["user__department__name"]),
        ):
            cell = table[key or "—"]
            cell[0] += 1
            cell[1] += r["status"] == TrainingAssignment.Status.COMPLETED
            if r["best_score"] is not None:
                cell[2] += 1
                cell[3] += r["best_score"] >= r["course__pass_mark"]

    def table(data):
        return [
            {
                "name": name,
                "assigned": a,
                "completed": c,
                "coverage": round(100 * c / a, 1) if a else 0.0,
                "took_quiz": t,
                "passed": p,
                "pass_rate": round(100 * p / t, 1) if t else None,
            }
            for name, (a, c, t, p) in sorted(data.items())
        ]

    return {"by_role": table(by_role), "by_department": table(by_dept)}


def _meetings(lo, hi) -> list[dict]:
    from governance.models import Meeting

    meetings = (
        Meeting.objects.filter(state=Meeting.State.HELD, held_at__gte=lo, held_at__lt=hi)
        .annotate(decision_count=Count("decisions", distinct=True))
        .annotate(adopted_count=Count("adopted_changes", distinct=True))
        .order_by("held_at")
    )
    return [
        {
            "title": m.title,
            "kind": m.get_kind_display(),
            "held_at": timezone.localtime(m.held_at),
            "minutes": bool(m.minutes.strip()),
            "minutes_approved_at": timezone.localtime(m.minutes_approved_at)
            if m.minutes_approved_at
            else None,
            "decisions": m.decision_count,
            "adopted_changes": m.adopted_count,
        }
        for m in meetings
    ]


def _obligations(start, end) -> dict:
    from governance.models import ObligationPeriod

    S = ObligationPeriod.State
    periods = (
        ObligationPeriod.objects.filter(ends_on__gte=start, ends_on__lte=end)
        .select_related("obligation")
        .order_by("obligation__code", "starts_on")
    )
    rows, counts = [], Counter()
    labels = {
        "met": _("Met on time"),
        "late": _("Met late"),
        "missed": _("Missed"),
        "due": _("Still due"),
    }
    for p in periods:
        if p.state == S.MET:
            outcome = (
                "late" if p.met_at and timezone.localtime(p.met_at).date() > p.ends_on else "met"
            )
        elif p.state == S.MISSED:
            outcome = "missed"
        else:
            outcome = "due"
        counts[outcome] += 1
        rows.append(
            {
                "code": p.obligation.code,
                "title": p.obligation.title,
                "period": p.label,
                "outcome": outcome,
                "outcome_label": str(labels[outcome]),
                "met_at": timezone.localtime(p.met_at) if p.met_at else None,
                "evidence": p.evidence_label,
            }
        )
    return {
        "rows": rows,
        "counts": {k: counts.get(k, 0) for k in labels},
        "labels": {k: str(v) for k, v in labels.items()},
    }


def _agreements(end) -> dict:
    from governance.models import CooperationAgreement

    S = CooperationAgreement.Status
    eod = bounds(end, end)[1]
    rows, counts = [], Counter()
    for a in CooperationAgreement.objects.select_related("counterparty").order_by("reference"):
        status = a.status_on(end)
        suspended = (
            a.suspended_at is not None
            and a.suspended_at < eod
            and (a.resumed_at is None or a.resumed_at >= eod)
            and status in (S.ACTIVE, S.EXPIRING)
        )
        in_force = status in (S.ACTIVE, S.EXPIRING) and not suspended
        counts["in_force"] += in_force
        counts["expiring"] += in_force and status == S.EXPIRING
        counts["suspended"] += suspended
        rows.append(
            {
                "reference": a.reference,
                "title": a.title,
                "counterparty": str(a.counterparty),
                "status": str(S(status).label),
                "suspended": suspended,
                "ends_on": a.ends_on,
            }
        )
    return {
        "rows": rows,
        "counts": {k: counts.get(k, 0) for k in ("in_force", "expiring", "suspended")},
    }


def _audit(hi, verify: bool) -> dict:
    from audit.chain import verify_chain
    from audit.models import AuditEntry
    from audit.ops_metrics import record_verification

    head = (
        AuditEntry.objects.filter(timestamp__lt=hi)
        .order_by("-id")
        .values("id", "entry_hash", "timestamp")
        .first()
    )
    found = {
        "head_id": head["id"] if head else None,
        "head_hash": head["entry_hash"] if head else "",
        "head_at": timezone.localtime(head["timestamp"]) if head else None,
    }
    if not verify:  # a preview: the walk over the whole trail is the pack's, not the page's
        return {**found, "verified": None, "verify_result": _("checked in full in the pack")}
    result = verify_chain(AuditEntry.objects.all())
    record_verification(ok=result.ok)  # the same check as verify_audit_log, for /metrics
    ok, broken = result.ok, result.broken
    if broken is None:
        message = _("%(n)s entries verified; last entry #%(id)s") % {
            "n": result.count,
            "id": result.last_id or 0,
        }
    else:
        message = _(
            "broken at entry #%(id)s: %(reason)s; the %(n)s entries before it are intact"
        ) % {
            "id": broken.entry_id,
            "reason": {
                "content hash mismatch": _("its content does not match its hash"),
                "broken link": _("it does not link to the entry before it"),
                "missing id": _("an entry is missing before it"),
            }.get(broken.reason, broken.reason),
            "n": result.count,
        }
    return {**found, "verified": ok, "verify_result": message}


def collect(start: datetime.date, end: datetime.date, *, verify_chain: bool = True) -> dict:
    """The pack's figures; `verify_chain=False` (the page's first preview) leaves out the walk
    over the whole audit trail."""
    if end < start:
        raise ValueError("end before start")
    lo, hi = bounds(start, end)
    return {
        "start": start,
        "end": end,
        "generated_at": timezone.localtime(),
        "incidents": _incidents(lo, hi),
        "reports": _reports(lo, hi),
        "drills": _drills(lo, hi),
        "training": _training(start, end),
        "meetings": _meetings(lo, hi),
        "obligations": _obligations(start, end),
        "agreements": _agreements(end),
        "sharing": sharing.totals(lo, hi),
        "audit": _audit(hi, verify_chain),
    }
