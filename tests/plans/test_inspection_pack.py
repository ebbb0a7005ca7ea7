"""Issue 20 point 4: the inspection pack's figures equal figures computed independently here from
the same data (the demo firm), read back from the XLSX and the DOCX the pack produced — not
through the pack's own queries. numpy's percentile is the reference for median and p90."""

import datetime as dt
import io
import statistics
from collections import Counter

import numpy
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from audit.models import AuditEntry
from governance.models import (
    CooperationAgreement,
    LedgerEvent,
    ObligationPeriod,
    SharingRegistration,
)
from incidents.models import Grade, Incident
from reporting.inspection import documents, figures, sharing
from reporting.models import RegulatoryReport
from training.models import Drill, TrainingAssignment

pytestmark = pytest.mark.django_db(transaction=False)


def _local_day(value):
    return timezone.localtime(value).date()


def _hours(a, b):
    return (b - a).total_seconds() / 3600


def _stat(values):
    values = [v for v in values if v is not None]
    if not values:
        return (0, None, None)
    return (
        len(values),
        round(statistics.median(values), 2),
        round(float(numpy.percentile(values, 90)), 2),
    )


def _sheet(wb, title):
    ws = wb[title[:31]]
    rows = list(ws.iter_rows(values_only=True))
    return rows[0], rows[1:]


@pytest.fixture
def demo_firm(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LANGUAGE_CODE = "en"
    call_command("seed_demo", verbosity=0)


def test_pack_figures_equal_independent_figures(demo_firm):
    year = timezone.localdate().year
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    data = figures.collect(start, end)
    wb = load_workbook(io.BytesIO(documents.build_xlsx(data)))

    # Incidents discovered in the year (drills left out), by grade, with the three times.
    incidents = [
        i
        for i in Incident.objects.filter(is_drill=False).prefetch_related(
            "grade_decisions", "regulatory_reports__submissions"
        )
        if start <= _local_day(i.discovered_at) <= end
    ]
    assert incidents, "the demo firm has incidents this year"
    expected_grades = Counter(
        str(Grade(i.grade).label) if i.grade else "Not graded" for i in incidents
    )
    _h, rows = _sheet(wb, "Incidents by grade")
    assert dict(rows) == dict(expected_grades)
    to_grade, to_report, to_resolve = [], [], []
    for i in incidents:
        decided = [g.decided_at for g in i.grade_decisions.all()]
        to_grade.append(_hours(i.discovered_at, min(decided)) if decided else None)
        submitted = [
            s.submitted_at for r in i.regulatory_reports.all() for s in r.submissions.all()
        ]
        to_report.append(_hours(i.discovered_at, min(submitted)) if submitted else None)
        to_resolve.append(_hours(i.discovered_at, i.resolved_at) if i.resolved_at else None)
    _h, rows = _sheet(wb, "Handling times (hours)")
    got = {r[0]: (r[1], r[2], r[3]) for r in rows}
    for label, values in (
        ("Time to grade", to_grade),
        ("Time to first report", to_report),
        ("Time to resolve", to_resolve),
    ):
        count, median, p90 = _stat(values)
        assert got[label][0] == count, label
        if count:
            assert got[label][1] == pytest.approx(median, abs=0.011), label
            assert got[label][2] == pytest.approx(p90, abs=0.011), label

    # Regulatory reports: every one due, opened or submitted in the year, with its frozen hash.
    lo, hi = figures.bounds(start, end)
    reports = [
        r
        for r in RegulatoryReport.objects.filter(is_drill=False).prefetch_related(
            "submissions__version"
        )
        if (r.due_at and lo <= r.due_at < hi)
        or lo <= r.created_at < hi
        or any(lo <= s.submitted_at < hi for s in r.submissions.all())
    ]
    header, rows = _sheet(wb, "Regulatory reports")
    assert len(rows) == len(reports)
    sha = header.index("Frozen SHA-256")
    expected_hashes = sorted(
        min(r.submissions.all(), key=lambda s: s.submitted_at).version.sha256
        for r in reports
        if r.submissions.all()
    )
    assert sorted(row[sha] for row in rows if row[sha]) == expected_hashes
    late = sum(
        1
        for r in reports
        if r.submissions.all()
        and not min(r.submissions.all(), key=lambda s: s.submitted_at).on_time
    )
    assert f"{late} late" in _sheet(wb, "Summary")[1][0][0]

    # Drills and their findings' rectification.
    drills = [d for d in Drill.objects.all() if start <= _local_day(d.scheduled_at) <= end]
    findings = [f for d in drills for f in d.findings.all()]
    rectified = sum(1 for f in findings if f.rectification and f.rectification.state == "verified")
    assert data["drills"]["findings"] == len(findings) and data["drills"]["rectified"] == rectified
    _h, rows = _sheet(wb, "Drills and findings")
    assert {r[0] for r in rows} == {d.title for d in drills}

    # Training coverage by department.
    per_dept = {}
    for a in TrainingAssignment.objects.select_related("user__department", "course"):
        if not start <= a.due_date <= end or a.course.status == "archived":
            continue
        name = a.user.department.name if a.user.department else "—"
        cell = per_dept.setdefault(name, [0, 0])
        cell[0] += 1
        cell[1] += a.status == "completed"
    _h, rows = _sheet(wb, "Training coverage by department")
    assert {r[0]: (r[1], r[2]) for r in rows} == {k: tuple(v) for k, v in per_dept.items()}

    # Obligations ending in the year: met on time, late, missed, still due.
    outcomes = Counter()
    for p in ObligationPeriod.objects.all():
        if not start <= p.ends_on <= end:
            continue
        if p.state == "met":
            outcomes["late" if _local_day(p.met_at) > p.ends_on else "met"] += 1
        else:
            outcomes["missed" if p.state == "missed" else "due"] += 1
    assert data["obligations"]["counts"] == {
        k: outcomes.get(k, 0) for k in ("met", "late", "missed", "due")
    }

    # Agreements on the last day, by the SQL status annotation (another code path).
    status = Counter(
        CooperationAgreement.objects.with_status(end).values_list("status_code", flat=True)
    )
    suspended = CooperationAgreement.objects.filter(
        suspended_at__isnull=False, resumed_at__isnull=True
    ).count()
    assert (
        data["agreements"]["counts"]["in_force"]
        == status["active"] + status["expiring"] - suspended
    )
    assert data["agreements"]["counts"]["expiring"] <= status["expiring"]

    # Sharing: the registrations of the year and the ledger's transfers in the period.
    registrations = sum(1 for r in SharingRegistration.objects.all() if lo <= r.created_at < hi)
    assert data["sharing"]["totals"]["registrations"] == registrations
    assert data["sharing"]["source"] == "ledger" and data["sharing"]["note"]
    events = [e for e in LedgerEvent.objects.all() if lo <= e.occurred_at < hi]
    assert data["sharing"]["totals"]["ledger_events"] == len(events)
    assert data["sharing"]["totals"]["ledger_records"] == sum(e.record_count for e in events)
    assert data["sharing"]["totals"]["ledger_mismatches"] == sum(e.is_mismatch for e in events)

    # The audit chain's head at the period end, and verify_audit_log's verdict.
    head = max((e for e in AuditEntry.objects.all() if e.timestamp < hi), key=lambda e: e.id)
    _h, rows = _sheet(wb, "Audit trail")
    values = dict(rows)
    assert values["Head hash at the period end"] == head.entry_hash
    verdict = values["Chain verification (whole trail)"]
    assert verdict.startswith(f"{AuditEntry.objects.count()} entries verified")

    # The DOCX carries the same head hash and the charts as images.
    doc = Document(io.BytesIO(documents.build_docx(data)))
    text = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert head.entry_hash in text
    assert len(doc.inline_shapes) >= 3


def test_sharing_section_reads_a_registered_ledger(demo_firm):
    def ledger(start, end):
        return {
            "source": "ledger",
            "note": "",
            "rows": [{"label": "台账", "count": 7}],
            "totals": {"shares": 7},
        }

    sharing.register_source(ledger)
    try:
        year = timezone.localdate().year
        data = figures.collect(dt.date(year, 1, 1), dt.date(year, 12, 31))
    finally:
        sharing.unregister_source(ledger)
    assert data["sharing"]["totals"] == {"shares": 7}


def test_pack_page_and_downloads(demo_firm, client):
    from accounts.models import User

    year = timezone.localdate().year
    period = {"start": f"{year}-01-01", "end": f"{year}-12-31"}
    client.force_login(User.objects.get(username="auditor"))
    page = client.get(reverse("reporting:inspection-pack"), period)
    assert page.status_code == 200 and "Audit chain" in page.content.decode()
    # Opened from the menu, the page shows this year's summary at once, not an empty form.
    first = client.get(reverse("reporting:inspection-pack")).content.decode()
    assert "Audit chain" in first and f'value="{year}-01-01"' in first
    assert "checked in full in the pack" in first  # the whole trail is walked by the pack
    docx = client.get(reverse("reporting:inspection-pack-download", args=["docx"]), period)
    assert docx.status_code == 200 and docx["Content-Type"].endswith("document")
    xlsx = client.get(reverse("reporting:inspection-pack-download", args=["xlsx"]), period)
    assert xlsx.status_code == 200
    bad = client.get(
        reverse("reporting:inspection-pack-download", args=["xlsx"]),
        {"start": f"{year}-12-31", "end": f"{year}-01-01"},
    )
    assert bad.status_code == 400
    client.force_login(User.objects.get(username="staff"))
    assert client.get(reverse("reporting:inspection-pack"), period).status_code == 403


def test_command_writes_both_files(demo_firm, tmp_path):
    year = timezone.localdate().year
    call_command(
        "inspection_pack",
        start=f"{year}-01-01",
        end=f"{year}-12-31",
        out=str(tmp_path),
        stdout=io.StringIO(),
    )
    names = sorted(p.suffix for p in tmp_path.iterdir() if p.is_file())
    assert names == [".docx", ".xlsx"]
