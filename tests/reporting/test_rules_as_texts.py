"""The reporting rules held against the texts (regulatory-findings.md, 2026-12): CAC routes for
CII and other operators with their summaries 「按照原渠道」, the 补报 stage, suspected crime → police,
CSRC emergency reports without a split by grade (the hour is the firm's), follow-ups only while an
outage-type case's service is down, the preliminary-analysis branch, the drill report, and the
time of day each deadline ends. Clocks to the minute, Asia/Shanghai."""

from datetime import timedelta

import pytest
from django.urls import reverse

from core.errors import ApplicationError
from incidents import services as incident_services
from reporting import rules, services
from reporting.models import RegulatoryReport, ReportingRule

from .conftest import NON_CII, grade, local, resolve

pytestmark = pytest.mark.django_db

OPEN = ("draft", "in_review", "approved")


def owed(incident, **filters):
    """{(recipient, stage): due (Shanghai) or None} of the reports still owed."""
    reports = RegulatoryReport.objects.filter(incident=incident, status__in=OPEN, **filters)
    return {
        (r.recipient, r.stage): (
            r.due_at.astimezone(local(2026, 1, 1).tzinfo) if r.due_at else None
        )
        for r in reports
    }


def recipients(incident, stage="initial"):
    return {r for (r, s) in owed(incident) if s == stage}


# --- CAC routes (Art. 4) and the summary's recipients (Art. 8) ------------------------------


@pytest.mark.parametrize(
    "grade_given, cac_expected",
    [("IV", False), ("III", True), ("II", True)],  # 较大 is the threshold: below, at, above
)
def test_other_operator_reports_to_the_provincial_office_in_4_hours(
    cii_incident, handler, grade_given, cac_expected
):
    incident = grade(cii_incident(**NON_CII), grade_given, handler)
    dues = owed(incident)
    assert (("cac", "initial") in dues) is cac_expected
    assert "cii_protection" not in recipients(incident) and "police" not in recipients(incident)
    if cac_expected:
        assert dues[("cac", "initial")] == local(2026, 3, 10, 13, 17)  # 09:17 + 4 h
        assert dues[("cac", "final")] is None  # counted from the end of handling


@pytest.mark.parametrize("grade_given, routed", [("IV", False), ("III", True), ("II", True)])
def test_cii_operator_reports_to_protection_department_and_police_in_1_hour_only(
    cii_incident, handler, grade_given, routed
):
    incident = grade(cii_incident(), grade_given, handler)
    dues = owed(incident)
    assert ("cac", "initial") not in dues  # two timers where the text gives two, not three
    if routed:
        assert dues[("cii_protection", "initial")] == local(2026, 3, 10, 10, 17)
        assert dues[("police", "initial")] == local(2026, 3, 10, 10, 17)
    else:
        assert "cii_protection" not in recipients(incident)


def test_summary_goes_through_the_original_channel_due_at_the_clock_of_resolution(
    cii_incident, handler, clock
):
    cii = grade(cii_incident(), "III", handler)
    other = grade(cii_incident(**NON_CII, discovered=local(2026, 3, 10, 9, 18)), "III", handler)
    clock(local(2026, 10, 2, 10, 5))
    for incident in (cii, other):
        resolve(incident, handler, local(2026, 10, 2, 10, 0))
    # 30 days after handling ended at 10:00 on 2 October: 10:00 on 1 November, not midnight.
    assert owed(cii, stage="final") == {
        ("cii_protection", "final"): local(2026, 11, 1, 10, 0),
        ("police", "final"): local(2026, 11, 1, 10, 0),
        # CSRC, 5 working days (National Day 1–7 Oct, Sat 10 Oct a make-up working day):
        # 8, 9, 10, 12, 13 October, the whole last day.
        ("csrc_branch", "final"): local(2026, 10, 13, 23, 59, 59),
    }
    assert owed(other, stage="final") == {
        ("cac", "final"): local(2026, 11, 1, 10, 0),
        ("csrc_branch", "final"): local(2026, 10, 13, 23, 59, 59),
    }


def test_officer_rule_adds_the_provincial_report_for_cii_labelled_as_the_firms_choice(
    cii_incident, handler, officer, client_for
):
    services.rule_create(
        code="firm-cac-provincial-cii",
        actor=officer,
        name="属地省级网信部门报告（关键信息基础设施，本公司规定）",
        regime="cac",
        recipient="cac",
        stage="initial",
        most_severe_grade="I",
        least_severe_grade="III",
        cii_scope="cii",
        anchor="discovered",
        offset_amount=4,
        offset_unit="hours",
        basis="firm",
        source="本公司规定",
        source_status="C",
    )
    incident = grade(cii_incident(), "III", handler)
    assert owed(incident)[("cac", "initial")] == local(2026, 3, 10, 13, 17)
    assert {"cii_protection", "police", "cac"} <= recipients(incident)
    page = client_for(officer).get(reverse("reporting:rule-list")).content.decode()
    row = page.split("属地省级网信部门报告（关键信息基础设施，本公司规定）")[1].split("</tr>")[0]
    assert "Firm&#x27;s choice" in row
    row = page.split("关键信息基础设施保护工作部门报告（1小时内）")[1].split("</tr>")[0]
    assert "Required by the text" in row


# --- CSRC: Order 218 Art. 39, no minutes, no split by grade --------------------------------


@pytest.mark.parametrize("grade_given", ["I", "II", "III", "IV"])
def test_csrc_and_branch_emergency_report_at_every_grade_one_hour_as_firm_policy(
    cii_incident, handler, grade_given
):
    incident = grade(cii_incident(**NON_CII), grade_given, handler)
    dues = owed(incident)
    assert dues[("csrc", "initial")] == local(2026, 3, 10, 10, 17)
    assert dues[("csrc_branch", "initial")] == local(2026, 3, 10, 10, 17)
    for code in ("csrc-initial", "csrc-branch-initial"):
        rule = ReportingRule.objects.get(code=code, is_active=True)
        assert rule.basis == "firm" and rule.needs_confirmation
        assert "第39条" in rule.source and rule.source_status == "C"
    assert not ReportingRule.objects.filter(code="csrc-initial-major", is_active=True).exists()


# --- Follow-ups: outage-type only, while service is not restored ---------------------------


def test_leak_type_case_gets_no_hourly_follow_up(handler, clock):
    clock(local(2026, 3, 10, 9, 17, 5))
    incident = incident_services.incident_create(
        title="客户信息泄露",
        category="data_security",
        source="internal",
        discovered_at=local(2026, 3, 10, 9, 17),
        assignee=handler,
        actor=handler,
        persons_leaked=1_200_000,
    )
    incident = grade(incident, "III", handler)
    assert not RegulatoryReport.objects.filter(incident=incident, stage="follow_up").exists()
    assert owed(incident)[("csrc_branch", "initial")] == local(2026, 3, 10, 10, 17)


@pytest.mark.parametrize(
    "restored, first_owed",
    [
        (local(2026, 3, 10, 11, 16), False),  # a minute before the first follow-up: none due
        (local(2026, 3, 10, 11, 17), True),  # at it: it fell due while service was down
        (local(2026, 3, 10, 11, 18), True),  # after it: owed, but no further one
    ],
)
def test_follow_ups_stop_when_service_is_restored(
    cii_incident, handler, clock, restored, first_owed
):
    from deadlines import sweeper

    incident = grade(cii_incident(), "III", handler)
    first = RegulatoryReport.objects.get(incident=incident, stage="follow_up")
    assert first.due_at == local(2026, 3, 10, 11, 17)  # discovery 09:17 + 2 h
    clock(restored + timedelta(seconds=30))
    incident_services.incident_service_restore(
        incident=incident, actor=handler, restored_at=restored
    )
    first.refresh_from_db()
    assert (first.status in OPEN) is first_owed
    # Time passes: no follow-up is opened any more (the sweeper would open the next one).
    clock(local(2026, 3, 10, 13, 30))
    sweeper.sweep(now=local(2026, 3, 10, 13, 30))
    later = RegulatoryReport.objects.filter(incident=incident, stage="follow_up", sequence__gt=1)
    assert not later.exists()


def test_follow_ups_continue_hourly_while_the_service_is_down(cii_incident, handler, clock):
    from deadlines import sweeper

    incident = grade(cii_incident(), "III", handler)
    clock(local(2026, 3, 10, 11, 18))
    sweeper.sweep(now=local(2026, 3, 10, 11, 18))
    second = RegulatoryReport.objects.get(incident=incident, stage="follow_up", sequence=2)
    assert second.due_at == local(2026, 3, 10, 12, 17)
    clock(local(2026, 3, 10, 12, 0))
    incident_services.incident_service_restore(incident=incident, actor=handler)
    second.refresh_from_db()
    assert second.status == "cancelled"
    assert "restored" in second.cancelled_reason.lower() or "恢复" in second.cancelled_reason


# --- Preliminary analysis when the cause is not known ---------------------------------------


@pytest.mark.parametrize(
    "established, preliminary",
    [
        (local(2026, 3, 10, 10, 29), False),  # before handling ended: the cause was known
        (local(2026, 3, 10, 10, 30), False),  # at the end of handling: known
        (local(2026, 3, 10, 10, 31), True),  # after: a preliminary analysis was due
    ],
)
def test_cause_established_around_the_end_of_handling(
    cii_incident, handler, clock, established, preliminary
):
    incident = grade(cii_incident(), "III", handler)
    clock(local(2026, 3, 10, 10, 0))
    incident_services.incident_set_cause_unknown(incident=incident, actor=handler)
    clock(local(2026, 3, 10, 10, 32))
    if established < local(2026, 3, 10, 10, 30):
        incident_services.incident_establish_cause(
            incident=incident, actor=handler, established_at=established
        )
        resolve(incident, handler, local(2026, 3, 10, 10, 30))
    else:
        resolve(incident, handler, local(2026, 3, 10, 10, 30))
        incident_services.incident_establish_cause(
            incident=incident, actor=handler, established_at=established
        )
    dues = owed(incident, recipient="csrc_branch")
    assert (("csrc_branch", "preliminary") in dues) is preliminary
    # 5 working days after the later of the end of handling and the cause: Tue 10 March → 17th.
    assert dues[("csrc_branch", "final")] == local(2026, 3, 17, 23, 59, 59)


def test_cause_unknown_gives_a_preliminary_report_then_the_final_after_the_cause(
    cii_incident, handler, clock
):
    incident = grade(cii_incident(), "III", handler)
    clock(local(2026, 3, 10, 10, 0))
    incident_services.incident_set_cause_unknown(incident=incident, actor=handler)
    clock(local(2026, 3, 10, 10, 35))
    incident = resolve(incident, handler, local(2026, 3, 10, 10, 30))
    dues = owed(incident, recipient="csrc_branch")
    assert dues[("csrc_branch", "preliminary")] == local(2026, 3, 17, 23, 59, 59)
    assert dues[("csrc_branch", "final")] is None  # the cause is not known yet
    clock(local(2026, 3, 20, 15, 5))
    incident_services.incident_establish_cause(
        incident=incident, actor=handler, established_at=local(2026, 3, 20, 15, 0)
    )
    dues = owed(incident, recipient="csrc_branch")
    assert dues[("csrc_branch", "final")] == local(2026, 3, 27, 23, 59, 59)  # Fri 20 → Fri 27
    assert dues[("csrc_branch", "preliminary")] == local(2026, 3, 17, 23, 59, 59)


# --- 补报 (Art. 7) ------------------------------------------------------------------------------


def approve(report, author, approver, content):
    services.report_update(report=report, content=content, actor=author)
    services.report_request_approval(report=report, actor=author)
    services.report_approve(report=report, actor=approver)
    report.refresh_from_db()
    return report


def test_supplementary_report_is_opened_by_the_reporter_after_a_first_report_of_items_1_2(
    cii_incident, handler, officer2, clock
):
    incident = grade(cii_incident(**NON_CII), "III", handler)
    initial = RegulatoryReport.objects.get(incident=incident, recipient="cac", stage="initial")
    approve(
        initial,
        handler,
        officer2,
        {"incident_type": "", "grade": "", "summary": "", "impact": "", "measures": ""},
    )
    assert not RegulatoryReport.objects.filter(stage="supplementary").exists()  # not automatic
    clock(local(2026, 3, 10, 12, 40))
    supplementary = services.supplementary_open(report=initial, actor=handler)
    assert (supplementary.recipient, supplementary.stage) == ("cac", "supplementary")
    assert supplementary.due_at == local(2026, 3, 11, 12, 40)  # the firm's 24 h, from opening
    assert supplementary.rule.basis == "firm" and "第7条" in supplementary.rule.source
    assert supplementary.deadline.due_at == supplementary.due_at
    with pytest.raises(ApplicationError):
        services.supplementary_open(report=initial, actor=handler)  # one open at a time
    # A regrade does not cancel what the reporter opened.
    grade(incident, "II", handler, reason="影响扩大")
    supplementary.refresh_from_db()
    assert supplementary.status == "draft"


def test_no_supplementary_report_after_a_complete_first_report(cii_incident, handler, officer2):
    incident = grade(cii_incident(**NON_CII), "III", handler)
    initial = RegulatoryReport.objects.get(incident=incident, recipient="cac", stage="initial")
    approve(
        initial,
        handler,
        officer2,
        {"summary": "中断", "impact": "45分钟", "measures": "切换", "cause": "电源"},
    )
    with pytest.raises(ApplicationError, match="every item"):
        services.supplementary_open(report=initial, actor=handler)


# --- Suspected crime → police 及时 ----------------------------------------------------------


@pytest.mark.parametrize("grade_given", ["IV", None])
def test_suspected_crime_creates_the_police_report_at_any_grade(
    cii_incident, handler, clock, grade_given
):
    incident = cii_incident(**NON_CII)
    if grade_given:
        incident = grade(incident, grade_given, handler)
    assert "police" not in recipients(incident, stage="crime")
    clock(local(2026, 3, 10, 14, 3))
    incident_services.incident_flag_suspected_crime(
        incident=incident, actor=handler, reason="发现外部入侵并勒索"
    )
    report = RegulatoryReport.objects.get(incident=incident, stage="crime")
    assert report.recipient == "police"
    assert report.due_at == local(2026, 3, 10, 16, 3)  # flagged 14:03 + the firm's 2 h
    assert report.rule.basis == "firm" and report.rule.needs_confirmation


# --- Order 218 Art. 38: drill report within 15 working days ----------------------------------


def test_completed_drill_owes_its_report_to_the_csrc_within_15_working_days(officer, clock):
    from training import services as training_services
    from training.models import Drill

    clock(local(2026, 9, 29, 15, 0))
    drill = Drill.objects.create(
        year=2026,
        title="交易系统中断应急演练",
        scenario="主交易系统宕机",
        drill_type=Drill.Type.TABLETOP,
        incident_category="equipment_failure",
        incident_grade="III",
        scheduled_at=local(2026, 9, 29, 9, 0),
        coordinator=officer,
        status=Drill.Status.IN_PROGRESS,
        started_at=local(2026, 9, 29, 9, 0),
    )
    training_services.drill_complete(drill=drill, summary="切换用时12分钟。", actor=officer)
    report = RegulatoryReport.objects.get(drill=drill)
    assert (report.recipient, report.stage) == ("csrc", "drill")
    # 30 Sep, (1–7 Oct), 8, 9, 10 (make-up Saturday), 12–16, 19–23, 26 October: the 15th.
    assert report.due_at == local(2026, 10, 26, 23, 59, 59)
    assert report.deadline.owner == officer
    assert report.rule.source_status == "C" and "第38条" in report.rule.source


# --- A repealed source never sets a clock ---------------------------------------------------


def test_rule_from_a_repealed_source_is_shown_but_never_applies(cii_incident, handler, officer):
    services.rule_create(
        code="csrc-2012-reference",
        actor=officer,
        name="2012年办法：投资者数据泄露立即报告",
        regime="csrc",
        recipient="csrc_branch",
        stage="initial",
        anchor="discovered",
        offset_amount=30,
        offset_unit="minutes",
        source="证监会公告〔2012〕46号第16条（已废止）",
        source_status="C",
        source_repealed=True,
    )
    incident = grade(cii_incident(**NON_CII), "III", handler)
    assert not RegulatoryReport.objects.filter(incident=incident, rule__code="csrc-2012-reference")


# --- Time of day ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, end_of_day, expected",
    [
        (local(2026, 10, 2, 9, 59), False, local(2026, 11, 1, 9, 59)),
        (local(2026, 10, 2, 10, 0), False, local(2026, 11, 1, 10, 0)),
        (local(2026, 10, 2, 10, 1), False, local(2026, 11, 1, 10, 1)),
        (local(2026, 10, 2, 23, 59), False, local(2026, 11, 1, 23, 59)),
        (local(2026, 10, 3, 0, 0), False, local(2026, 11, 2, 0, 0)),
        (local(2026, 10, 2, 10, 0), True, local(2026, 11, 1, 23, 59, 59)),
    ],
)
def test_calendar_days_keep_the_clock_or_end_the_day_as_the_rule_says(start, end_of_day, expected):
    assert rules.add_offset(start, 30, "calendar_days", end_of_day=end_of_day).at == expected


def test_each_seeded_day_rule_states_its_time_of_day():
    for rule in ReportingRule.objects.active():
        if rule.offset_unit == "working_days":
            assert rule.ends_at_end_of_day, rule.code
        if rule.code.startswith("cac-") and rule.stage == "final":
            assert rule.time_of_day == "trigger_clock" and not rule.ends_at_end_of_day


def test_working_day_rule_cannot_keep_a_clock(officer):
    rule = ReportingRule.objects.get(code="csrc-branch-final", is_active=True)
    with pytest.raises(ApplicationError, match="23:59:59"):
        services.rule_revise(rule=rule, actor=officer, time_of_day="trigger_clock")


def test_report_page_and_document_show_end_of_day_or_the_clock(
    cii_incident, handler, officer2, client_for, clock
):
    incident = grade(cii_incident(**NON_CII), "III", handler)
    clock(local(2026, 10, 2, 10, 5))
    resolve(incident, handler, local(2026, 10, 2, 10, 0))
    cac = RegulatoryReport.objects.get(incident=incident, recipient="cac", stage="final")
    csrc = RegulatoryReport.objects.get(incident=incident, recipient="csrc_branch", stage="final")
    client = client_for(handler)
    page = client.get(reverse("reporting:report-detail", args=[cac.pk])).content.decode()
    assert "by 2026-11-01 10:00" in page
    page = client.get(reverse("reporting:report-detail", args=[csrc.pk])).content.decode()
    assert "by end of 2026-10-13" in page
    approve(cac, handler, officer2, {"summary": "s", "cause": "c", "remediation": "r"})
    assert cac.current_snapshot.snapshot["report"]["due_label"] == "2026-11-01 10:00 前"
    approve(csrc, handler, officer2, {"summary": "s", "cause": "c", "remediation": "r"})
    assert csrc.current_snapshot.snapshot["report"]["due_label"] == "2026-10-13 当日结束前"
    from reporting.content import DEFAULT_TEMPLATE_BODY
    from reporting.documents import render_blocks

    blocks = render_blocks(DEFAULT_TEMPLATE_BODY, csrc.current_snapshot.snapshot)
    rows = dict(row for block in blocks if block.kind == "table" for row in block.rows)
    assert rows["报送期限"] == "2026-10-13 当日结束前"


# --- The rules page shows source, marker, basis --------------------------------------------


def test_rules_page_shows_source_marker_and_basis_of_every_rule(client_for, officer):
    page = client_for(officer).get(reverse("reporting:rule-list")).content.decode()
    for rule in ReportingRule.objects.active():
        assert rule.name in page
        assert rule.source in page.replace("&quot;", '"')
    assert "[C]" in page and "[Q]" in page and "[S]" in page
    assert "Required by the text" in page and "Firm&#x27;s choice" in page
    assert "by the end of the last day" in page and "at the trigger&#x27;s clock time" in page


def test_rules_page_shows_the_criteria_with_source_marker_and_reference_only_rows(
    client_for, officer
):
    page = client_for(officer).get(reverse("reporting:rule-list")).content.decode()
    assert "个人信息泄露 ≥100万人" in page
    row = page.split("投资者数据泄露 ≥10万人")[1].split("</tr>")[0]
    assert "repealed: for reference only" in row and "已废止" in row
    row = page.split("【模板·待填写，未启用】五类信息系统")[1].split("</tr>")[0]
    assert "template, inactive" in row and "[S]" in row


def test_reporter_opens_the_supplementary_report_from_the_page_and_flags_crime_by_api(
    cii_incident, handler, officer2, client_for, clock
):
    incident = grade(cii_incident(**NON_CII), "III", handler)
    initial = RegulatoryReport.objects.get(incident=incident, recipient="cac", stage="initial")
    approve(initial, handler, officer2, {"measures": ""})
    client = client_for(handler)
    clock(local(2026, 3, 10, 11, 0))
    response = client.post(reverse("reporting:report-action", args=[initial.pk, "supplementary"]))
    assert response.status_code == 302
    assert RegulatoryReport.objects.get(stage="supplementary").due_at == local(2026, 3, 11, 11, 0)
    response = client.post(
        f"/api/incidents/{incident.pk}/reporting-fact/",
        {"fact": "suspected_crime", "reason": "勒索"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    crime = RegulatoryReport.objects.get(stage="crime")
    assert crime.due_at == local(2026, 3, 10, 13, 0)
