"""Rules by grade → report obligations with deadlines on the engine, to the minute."""

import pytest

from core.errors import ApplicationError
from deadlines.models import Deadline
from reporting import services
from reporting.models import RegulatoryReport, ReportingRule

from .conftest import grade, local, resolve

pytestmark = pytest.mark.django_db


def due_map(incident):
    """{(recipient, stage): due_at in Shanghai, or None} of the reports still owed."""
    reports = RegulatoryReport.objects.filter(incident=incident).exclude(
        status=RegulatoryReport.Status.CANCELLED
    )
    return {
        (r.recipient, r.stage): (
            r.due_at.astimezone(local(2026, 1, 1).tzinfo) if r.due_at else None
        )
        for r in reports
    }


def test_seeded_rules_carry_source_and_status():
    rules = {r.code: r for r in ReportingRule.objects.active()}
    assert rules["cac-provincial-initial"].source_status == "Q"
    assert rules["cac-provincial-initial"].offset_amount == 4
    assert not rules["cac-provincial-initial"].needs_confirmation
    assert rules["csrc-branch-initial"].needs_confirmation  # "immediately": a default to confirm
    assert rules["csrc-branch-final"].source_status == "S"
    assert rules["csrc-branch-final"].offset_unit == "working_days"
    assert rules["csrc-branch-follow-up"].repeat_every_hours == 1
    assert rules["cac-provincial-final"].offset_amount == 30


def test_relatively_major_cii_incident_yields_every_deadline_to_the_minute(cii_incident, handler):
    # The handler confirms the criteria's proposal (a CII system down 45 min: 较大).
    incident = grade(cii_incident(), None, handler)
    decision = incident.grade_decisions.get()
    assert incident.grade == "III" and decision.proposed_grade == "III"
    assert not decision.overridden
    # A CII operator's CAC route is the protection department and the police (Art. 4), each
    # with its 30-day summary through the same channel (Art. 8); no provincial report.
    assert due_map(incident) == {
        ("csrc_branch", "initial"): local(2026, 3, 10, 10, 17),
        ("csrc", "initial"): local(2026, 3, 10, 10, 17),
        ("csrc_branch", "follow_up"): local(2026, 3, 10, 11, 17),
        ("csrc_branch", "final"): None,  # counted from the end of handling
        ("cii_protection", "initial"): local(2026, 3, 10, 10, 17),
        ("police", "initial"): local(2026, 3, 10, 10, 17),
        ("cii_protection", "final"): None,
        ("police", "final"): None,
    }
    # Each due report has its deadline on the engine, owned by the case's assignee.
    for report in RegulatoryReport.objects.filter(incident=incident, due_at__isnull=False):
        assert report.deadline.due_at == report.due_at
        assert report.deadline.state == Deadline.State.OPEN
        assert report.deadline.kind.code == f"reporting.{report.stage}"
        assert report.deadline.owner == handler
    # Pre-filled from the incident.
    initial = RegulatoryReport.objects.get(
        incident=incident, recipient="cii_protection", stage="initial"
    )
    assert initial.content["discovered_at"] == "2026-03-10 09:17"
    assert "集中交易系统" in initial.content["systems"]
    assert "较大" in initial.content["grade"] or "III" in initial.content["grade"]


def test_regrading_to_major_recalculates(cii_incident, handler, clock):
    incident = grade(cii_incident(), "III", handler)
    clock(local(2026, 3, 10, 9, 50))
    incident = grade(incident, "II", handler, reason="影响扩大")
    regrade = incident.grade_decisions.latest("id")
    assert (regrade.old_grade, regrade.grade, regrade.overridden) == ("III", "II", True)
    dues = due_map(incident)
    # Order 218 Art. 39 has no split by grade: the CSRC report was owed at 较大 already; every
    # report keeps its (discovery-based) time.
    assert dues[("csrc", "initial")] == local(2026, 3, 10, 10, 17)
    assert dues[("cii_protection", "initial")] == local(2026, 3, 10, 10, 17)
    assert dues[("police", "initial")] == local(2026, 3, 10, 10, 17)
    assert ("cac", "initial") not in dues
    assert len(dues) == 8


def test_regrade_moves_a_grading_anchored_deadline(cii_incident, handler, officer, clock):
    rule = ReportingRule.objects.get(code="cac-cii-protection-initial", is_active=True)
    revised = services.rule_revise(rule=rule, actor=officer, anchor="graded", offset_amount=2)
    incident = grade(cii_incident(), "III", handler)  # graded at 09:17:05 (+5 s frozen clock)
    report = RegulatoryReport.objects.get(
        incident=incident, recipient="cii_protection", stage="initial"
    )
    first_due = report.due_at
    clock(local(2026, 3, 10, 10, 0))
    grade(incident, "II", handler, reason="影响扩大")
    report.refresh_from_db()
    report.deadline.refresh_from_db()
    assert report.due_at == local(2026, 3, 10, 12, 0) != first_due
    assert report.deadline.due_at == local(2026, 3, 10, 12, 0)
    assert report.deadline.revision == 1  # moved, not recreated
    assert report.rule.version == revised.version == rule.version + 1


def test_downgrade_out_of_range_cancels_with_reason(cii_incident, handler, clock):
    incident = grade(cii_incident(), "III", handler)
    cac = RegulatoryReport.objects.get(
        incident=incident, recipient="cii_protection", stage="initial"
    )
    clock(local(2026, 3, 10, 9, 40))
    grade(incident, "IV", handler, reason="复核后影响有限")
    cac.refresh_from_db()
    assert cac.status == RegulatoryReport.Status.CANCELLED
    assert "III → IV" in cac.cancelled_reason and "复核后影响有限" in cac.cancelled_reason
    cac.deadline.refresh_from_db()
    assert cac.deadline.state == Deadline.State.CANCELLED
    assert "复核后影响有限" in cac.deadline.state_reason
    police = RegulatoryReport.objects.get(incident=incident, recipient="police", stage="initial")
    assert police.status == RegulatoryReport.Status.CANCELLED
    # The CSRC branch rules cover every grade: still owed, same deadline.
    branch = RegulatoryReport.objects.get(
        incident=incident, recipient="csrc_branch", stage="initial"
    )
    assert branch.status == RegulatoryReport.Status.DRAFT
    assert branch.due_at == local(2026, 3, 10, 10, 17)


def test_working_day_summary_deadline_across_national_day_2026(cii_incident, handler, clock):
    incident = grade(cii_incident(discovered=local(2026, 9, 29, 9, 0)), "III", handler)
    clock(local(2026, 9, 29, 15, 5))
    incident = resolve(incident, handler, local(2026, 9, 29, 15, 0))
    assert incident.status == "resolved"
    final = RegulatoryReport.objects.get(incident=incident, recipient="csrc_branch", stage="final")
    # 5 working days: 9-30, (10-1..10-7 National Day), 10-8, 10-9, 10-10 (Saturday make-up
    # working day), (10-11 Sunday), 10-12 → the whole of Monday 12 October.
    assert final.due_at == local(2026, 10, 12, 23, 59, 59)
    assert final.calendar_confirmed
    assert final.deadline.due_at == final.due_at
    for recipient in ("cii_protection", "police"):  # 「按照原渠道」 for a CII incident
        cac_final = RegulatoryReport.objects.get(
            incident=incident, recipient=recipient, stage="final"
        )
        assert cac_final.due_at == local(2026, 10, 29, 15, 0)  # 30 calendar days, same clock
    # Restored: follow-ups not yet due stop.
    follow_ups = RegulatoryReport.objects.filter(incident=incident, stage="follow_up")
    assert (
        follow_ups.exclude(status=RegulatoryReport.Status.CANCELLED)
        .filter(due_at__gt=local(2026, 9, 29, 15, 0))
        .count()
        == 0
    )


def test_non_cii_incident_has_no_cii_or_police_report(cii_incident, handler):
    incident = cii_incident(
        cii_involved=False,
        systems=[{"name": "网上交易系统", "category": "trading", "outage_minutes": 45}],
    )
    incident = grade(incident, "III", handler)
    recipients = {r for r, _s in due_map(incident)}
    assert recipients == {"csrc_branch", "csrc", "cac"}


def test_close_is_blocked_while_a_report_is_owed(cii_incident, handler, clock):
    from incidents import services as incident_services
    from incidents.closing import close_blocking_reasons

    incident = grade(cii_incident(), "IV", handler, reason="影响有限")
    reasons = close_blocking_reasons(incident)
    assert any("csrc" in r.lower() or "证监局" in r or "branch" in r.lower() for r in reasons)

    # Through incidents' own lifecycle: handled, resolved, summarised, then closing is refused
    # with reporting's reason, and nothing changes.
    clock(local(2026, 3, 10, 11, 0))
    incident = resolve(incident, handler, local(2026, 3, 10, 10, 30))
    incident = incident_services.incident_summarise(
        incident=incident, actor=handler, summary="电源模块故障，已更换，恢复交易。"
    )
    owed = RegulatoryReport.objects.filter(
        incident=incident, status__in=["draft", "in_review", "approved"]
    )
    assert owed.filter(stage="final").exists()  # the final summary is due after resolution
    with pytest.raises(ApplicationError, match="Report still owed") as refused:
        incident_services.incident_close(incident=incident, actor=handler)
    for report in owed:
        assert report.title in str(refused.value.message)
    incident.refresh_from_db()
    assert incident.status == "summarised" and incident.closed_at is None

    # Once nothing is owed (here: cancelled with a reason), the case closes.
    for report in owed:
        services.report_cancel(report=report, reason="测试：改为线下报送", actor=handler)
    incident = incident_services.incident_close(incident=incident, actor=handler)
    assert incident.status == "closed"
