"""Case metrics (issue 21.5): the dashboard's and the workbook's figures equal figures computed
here independently, from the same made-up cases."""

import io
import math
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Department
from accounts.roles import Role
from deadlines.calendar import SHANGHAI
from incidents import services
from incidents.models import GradeDecision, GradingCriterionSet, Incident
from reporting import metrics
from reporting.models import RegulatoryReport, ReportSubmission, ReportVersion
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
YEAR = 2025

# (discovered, hours to grade, hours to first report, hours to resolve, grade, source, team, on time)
CASES = [
    (datetime(YEAR, 1, 5, 9, tzinfo=SHANGHAI), 2, 10, 48, "IV", "internal", "it", True),
    (datetime(YEAR, 1, 20, 9, tzinfo=SHANGHAI), 4, 30, 100, "III", "internal", "it", False),
    (
        datetime(YEAR, 2, 3, 9, tzinfo=SHANGHAI),
        1,
        None,
        None,
        "IV",
        "risk_intelligence",
        "ops",
        None,
    ),
    (datetime(YEAR, 2, 14, 9, tzinfo=SHANGHAI), 6, 20, 72, "II", "csrc", "ops", True),
    (datetime(YEAR, 3, 31, 23, tzinfo=SHANGHAI), 3, 5, 24, "IV", "internal", "it", True),
    (datetime(YEAR, 4, 1, 1, tzinfo=SHANGHAI), 8, 12, 30, "III", "staff_report", "it", True),
    (datetime(YEAR, 4, 2, 9, tzinfo=SHANGHAI), None, None, None, "", "internal", "ops", None),
]


@pytest.fixture
def seeded(officer, department):
    ops = Department.objects.create(name="运营管理部", code="ops")
    teams = {"it": department, "ops": ops}
    criteria = GradingCriterionSet.objects.first()
    for i, (found, to_grade, to_report, to_resolve, grade, source, team, on_time) in enumerate(
        CASES
    ):
        incident = services.incident_create(
            actor=officer,
            title=f"指标案例{i}",
            category=Incident.Category.DATA_SECURITY if i % 2 else Incident.Category.MALWARE,
            source=source,
            discovered_at=found,
            assignee=officer,
            team=teams[team],
        )
        changes = {"grade": grade}
        if to_resolve is not None:
            changes["resolved_at"] = found + timedelta(hours=to_resolve)
        Incident.objects.filter(pk=incident.pk).update(**changes)
        if to_grade is not None:
            GradeDecision.objects.create(
                incident=incident,
                criterion_set=criteria,
                proposed_grade=grade,
                grade=grade,
                decided_by=officer,
                decided_at=found + timedelta(hours=to_grade),
            )
        if to_report is not None:
            report = RegulatoryReport.objects.create(
                incident=incident, recipient="csrc_branch", stage="initial", title=f"首报{i}"
            )
            version = ReportVersion.objects.create(
                report=report,
                number=1,
                snapshot={},
                sha256="0" * 64,
                author=officer,
                approved_by=officer,
                approved_at=found,
            )
            for extra in (0, 5):  # a second, later submission never counts as the first report
                ReportSubmission.objects.create(
                    report=report,
                    version=version,
                    channel=ReportSubmission.Channel.values[0],
                    submitted_at=found + timedelta(hours=to_report + extra),
                    submitted_by=officer,
                    on_time=on_time if extra == 0 else True,
                    late_reason="" if (on_time or extra) else "系统故障",
                )
    # A drill and a case of another year never count.
    drill = services.incident_create(
        actor=officer,
        title="演练",
        category=Incident.Category.MALWARE,
        source="drill",
        discovered_at=datetime(YEAR, 1, 6, tzinfo=SHANGHAI),
        assignee=officer,
    )
    assert drill.is_drill
    services.incident_create(
        actor=officer,
        title="往年",
        category=Incident.Category.MALWARE,
        source="internal",
        discovered_at=datetime(YEAR - 1, 12, 31, 15, tzinfo=SHANGHAI),
        assignee=officer,
    )


def expected_median(values):
    values = sorted(values)
    n = len(values)
    if not n:
        return None
    return values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2


def expected_p90(values):
    values = sorted(values)
    return values[math.ceil(0.9 * len(values)) - 1] if values else None


def months_of(case):
    return f"{YEAR}-{case[0].month:02d}"


def quarter_of(case):
    return f"{YEAR}-Q{(case[0].month - 1) // 3 + 1}"


@pytest.mark.parametrize("by, key", [("month", months_of), ("quarter", quarter_of)])
def test_figures_equal_independent_computation(officer, seeded, by, key):
    result = metrics.case_metrics(user=officer, year=YEAR, by=by)
    rows = {row.period: row for row in result.periods}
    for period in {key(c) for c in CASES}:
        mine = [c for c in CASES if key(c) == period]
        row = rows[period]
        assert row.cases == len(mine)
        for index, kind in ((1, "grade"), (2, "report"), (3, "resolve")):
            values = [float(c[index]) for c in mine if c[index] is not None]
            figures = row.duration(kind)
            assert figures["n"] == len(values)
            assert figures["median"] == pytest.approx(expected_median(values))
            assert figures["p90"] == pytest.approx(expected_p90(values))
        # Submissions fall in the period they were made (two per reported case; the second on time).
        subs = [
            (c[0] + timedelta(hours=c[2] + extra), c[7] if extra == 0 else True)
            for c in CASES
            if c[2] is not None
            for extra in (0, 5)
        ]
        in_period = [ok for at, ok in subs if key((at,)) == period]
        assert row.submissions == len(in_period)
        assert row.on_time == sum(in_period)
        assert row.counts["grade"] == {
            g: sum(1 for c in mine if c[4] == g) for g in {c[4] for c in mine}
        }
        assert dict(row.counts["source"]) == {
            s: sum(1 for c in mine if c[5] == s) for s in {c[5] for c in mine}
        }
    # The year: drills and other years left out; 23:00 on 31 March (Shanghai) is in March.
    assert result.total.cases == len(CASES)
    if by == "month":
        assert rows[f"{YEAR}-03"].cases == 1 and rows[f"{YEAR}-04"].cases == 2
    all_resolve = [float(c[3]) for c in CASES if c[3] is not None]
    assert result.total.duration("resolve")["median"] == pytest.approx(expected_median(all_resolve))
    assert result.total.duration("resolve")["p90"] == pytest.approx(expected_p90(all_resolve))
    assert sorted(result.total.counts["department"].values()) == [3, 4]


def test_a_handler_sees_only_their_teams_figures(officer, seeded):
    ops = Department.objects.get(code="ops")
    handler = make_user("ops-handler", Role.INCIDENT_HANDLER, department=ops)
    result = metrics.case_metrics(user=handler, year=YEAR)
    assert result.total.cases == sum(1 for c in CASES if c[6] == "ops")


def test_dashboard_shows_figures_and_charts_and_workbook_matches(client, officer, seeded):
    client.force_login(officer)
    page = client.get(reverse("reporting:metrics"), {"year": YEAR, "by": "quarter"})
    body = page.content.decode()
    assert page.status_code == 200
    assert 'id="case-metrics-table"' in body and "case-durations-chart" in body
    q1 = [c for c in CASES if c[0].month <= 3]
    grade_q1 = [float(c[1]) for c in q1]
    assert f"{expected_median(grade_q1):.1f} / {expected_p90(grade_q1):.1f}" in body

    response = client.get(reverse("reporting:case-metrics-export"), {"year": YEAR, "by": "quarter"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    sheet = wb.worksheets[0]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[f"{YEAR}-Q1"][1] == len(q1)
    assert rows[f"{YEAR}-Q1"][3] == pytest.approx(round(expected_median(grade_q1), 2))
    assert rows[str(YEAR)][1] == len(CASES)
    counts = {(r[0], r[1]): r for r in wb.worksheets[1].iter_rows(min_row=2, values_only=True)}
    assert counts[("部门", "运营管理部")][-1] == 3
