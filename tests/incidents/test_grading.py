from datetime import timedelta
from decimal import Decimal

import pytest

from core.errors import ApplicationError
from incidents import criteria_services, grading, services
from incidents.models import (
    GradeDecision,
    GradingCriterion,
    GradingCriterionSet,
    Incident,
    SystemCategory,
)
from incidents.signals import incident_graded

F = GradingCriterion.Fact
pytestmark = pytest.mark.django_db


def _numeric_criteria():
    # Read from the seed data (the migration's source) so every seeded numeric row is covered.
    from incidents.seed import CRITERIA

    numeric = {f.value for f in GradingCriterion.NUMERIC_FACTS}
    return [row[0] for row in CRITERIA if row[2] in numeric]


def _facts_for(criterion, value):
    """An unsaved incident whose relevant fact equals `value`, plus its systems."""
    incident = Incident(category="data_security", source="internal")
    systems = []
    if criterion.fact in GradingCriterion.OUTAGE_FACTS:
        from incidents.models import AffectedSystem

        field = (
            "outage_minutes"
            if criterion.fact == F.OUTAGE_MINUTES
            else "main_function_outage_minutes"
        )
        systems = [
            AffectedSystem(
                name="sys",
                category=criterion.system_category or SystemCategory.OTHER,
                is_cii=criterion.cii_only,
                **{field: int(value)},
            )
        ]
    else:
        if criterion.fact == F.ECONOMIC_LOSS:
            value = Decimal(value)
        else:
            value = int(value)
        setattr(incident, criterion.fact, value)
    return incident, systems


def test_every_numeric_seed_row_is_in_the_active_set():
    active = GradingCriterionSet.active()
    assert active.version == 2  # v1 as first seeded, revised against the texts (2026-12)
    codes = set(active.criteria.values_list("code", flat=True))
    assert set(_numeric_criteria()) <= codes
    assert len(_numeric_criteria()) >= 15


@pytest.mark.parametrize("code", _numeric_criteria())
def test_numeric_criterion_fires_at_threshold_not_below(code):
    criterion = GradingCriterion.objects.get(code=code, criterion_set__state="active")
    step = Decimal("0.01") if criterion.fact == F.ECONOMIC_LOSS else Decimal(1)
    at, below = criterion.threshold, criterion.threshold - step

    incident, systems = _facts_for(criterion, at)
    proposal = grading.propose(incident=incident, systems=systems, ticked_ids=set())
    if criterion.source_repealed:  # the 2012 measures: shown for reference, never proposing
        assert criterion.pk not in proposal.matched_ids, f"{code} is from a repealed source"
        return
    assert criterion.pk in proposal.matched_ids, f"{code} must fire at {at}"
    assert grading.GRADE_SEVERITY[proposal.grade] >= grading.GRADE_SEVERITY[criterion.grade]

    incident, systems = _facts_for(criterion, below)
    proposal = grading.propose(incident=incident, systems=systems, ticked_ids=set())
    assert criterion.pk not in proposal.matched_ids, f"{code} must not fire at {below}"


def test_outage_criteria_respect_system_category_and_cii():
    incident = Incident(category="equipment_failure", source="internal")
    from incidents.models import AffectedSystem

    non_cii_long = [AffectedSystem(name="x", category="internal", outage_minutes=10_000)]
    proposal = grading.propose(incident=incident, systems=non_cii_long, ticked_ids=set())
    assert proposal.matched == [] and proposal.grade == "IV" and proposal.catch_all
    # 5 minutes of a trading system was 较大 only in the repealed 2012 measures.
    trading = [AffectedSystem(name="t", category="trading", outage_minutes=5)]
    proposal = grading.propose(incident=incident, systems=trading, ticked_ids=set())
    assert proposal.matched == [] and proposal.grade == "IV"
    cii = [AffectedSystem(name="t", category="trading", is_cii=True, outage_minutes=30)]
    proposal = grading.propose(incident=incident, systems=cii, ticked_ids=set())
    assert [c.code for c in proposal.matched] == ["iii-cii-outage"]


def test_proposal_is_the_highest_matching_grade_with_all_matches(incident):
    incident.persons_leaked = 10_000_000
    incident.economic_loss = Decimal("5000000")
    proposal = grading.propose(incident=incident, ticked_ids=set())
    assert proposal.grade == "II"
    codes = [c.code for c in proposal.matched]
    assert codes[0].startswith("ii-")
    assert {"ii-persons-leaked", "iii-persons-leaked", "iii-economic-loss"} <= set(codes)


def test_qualitative_criterion_counts_only_when_ticked(incident, handler):
    q1 = GradingCriterion.objects.get(code="i-qualitative", criterion_set__state="active")
    assert grading.propose(incident=incident).grade == "IV"
    services.incident_grade(
        incident=incident, actor=handler, qualitative_ids=[q1.pk], grade=None, reason=""
    )
    incident.refresh_from_db()
    assert incident.grade == "I"
    decision = incident.grade_decisions.get()
    assert decision.matched[0]["code"] == "i-qualitative"


def test_confirming_the_proposal_needs_no_reason(incident, handler):
    incident.economic_loss = Decimal("5000000")
    incident.save()
    decision = services.incident_grade(incident=incident, actor=handler)
    incident.refresh_from_db()
    assert (incident.grade, incident.status) == ("III", "graded")
    assert decision.proposed_grade == "III" and not decision.overridden
    assert [m["code"] for m in decision.matched] == ["iii-economic-loss"]


def test_override_requires_a_reason(incident, handler):
    with pytest.raises(ApplicationError, match="requires a reason"):
        services.incident_grade(incident=incident, actor=handler, grade="II", reason="  ")
    incident.refresh_from_db()
    assert incident.grade == "" and not GradeDecision.objects.exists()
    decision = services.incident_grade(
        incident=incident, actor=handler, grade="II", reason="客户影响面广"
    )
    assert decision.overridden and decision.proposed_grade == "IV" and decision.grade == "II"


def test_regrading_keeps_history_sends_signal_and_moves_deadline(incident, handler, handler2):
    from incidents import deadline_links

    received = []

    def receiver(sender, **kw):
        received.append(kw)

    incident_graded.connect(receiver)
    try:
        services.incident_grade(incident=incident, actor=handler)  # IV, generic plan (72 h)
        first = deadline_links._active(incident, deadline_links.HANDLING)
        assert first.due_at == incident.discovered_at + timedelta(hours=72)
        with pytest.raises(ApplicationError, match="requires a reason"):
            services.incident_grade(incident=incident, actor=handler2, grade="I")
        services.incident_grade(incident=incident, actor=handler2, grade="I", reason="波及全部客户")
    finally:
        incident_graded.disconnect(receiver)

    incident.refresh_from_db()
    assert incident.grade == "I"
    history = list(incident.grade_decisions.order_by("decided_at", "id"))
    assert [(d.old_grade, d.grade, d.decided_by) for d in history] == [
        ("", "IV", handler),
        ("IV", "I", handler2),
    ]
    assert history[1].reason == "波及全部客户"
    assert [(r["old_grade"], r["new_grade"], r["actor"], r["reason"]) for r in received] == [
        ("", "IV", handler, ""),
        ("IV", "I", handler2, "波及全部客户"),
    ]
    moved = deadline_links._active(incident, deadline_links.HANDLING)
    assert moved.pk == first.pk  # the same deadline, moved
    plan = services.select_response_plan(category=incident.category, grade="I")
    assert moved.due_at == incident.discovered_at + timedelta(hours=plan.target_resolution_hours)
    assert moved.due_at < first.due_at
    assert "IV" in moved.state_reason and "I" in moved.state_reason
    # the grade-I plan's tasks were added
    assert incident.tasks.filter(plan_step__plan=plan).count() == plan.steps.count()


def test_same_grade_regrade_refused(incident, handler):
    services.incident_grade(incident=incident, actor=handler)
    with pytest.raises(ApplicationError):
        services.incident_grade(incident=incident, actor=handler, grade="IV", reason="x")


def test_new_criteria_version_does_not_change_given_grades(incident, handler, officer):
    incident.economic_loss = Decimal("5000000")
    incident.save()
    services.incident_grade(incident=incident, actor=handler)
    v1 = GradingCriterionSet.active()
    draft = criteria_services.criterion_set_copy(criterion_set=v1, actor=officer)
    draft.criteria.filter(code="iii-economic-loss").update(threshold=6_000_000)
    criteria_services.criterion_set_activate(criterion_set=draft, actor=officer)

    incident.refresh_from_db()
    assert incident.grade == "III"
    decision = incident.grade_decisions.get()
    assert decision.criterion_set == v1
    assert decision.matched[0]["threshold"] == "5000000.00"
    v1.refresh_from_db()
    assert v1.state == "retired"
    # the new version now proposes IV for the same facts
    assert grading.propose(incident=incident).grade == "IV"


def test_ticking_criteria_of_a_retired_set_is_refused(incident, handler, officer):
    v1 = GradingCriterionSet.active()
    draft = criteria_services.criterion_set_copy(criterion_set=v1, actor=officer)
    criteria_services.criterion_set_activate(criterion_set=draft, actor=officer)
    old_q = v1.criteria.get(code="i-qualitative")
    with pytest.raises(ApplicationError):
        services.incident_grade(incident=incident, actor=handler, qualitative_ids=[old_q.pk])
