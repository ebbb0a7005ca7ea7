"""Grading held against the texts: the CAC guide's personal-information thresholds decide
(「以上均包括本数」), criteria from the repealed 2012 CSRC measures are shown for reference only,
criteria combine conditions (system class × abnormality × duration, on one system), and the
2021 grading table ships as an inactive, labelled template."""

from decimal import Decimal

import pytest

from core.errors import ApplicationError
from incidents import criteria_services, grading
from incidents.models import AffectedSystem, GradingCriterion, GradingCriterionSet, Incident

pytestmark = pytest.mark.django_db


def propose_for(persons=None, systems=(), criterion_set=None):
    incident = Incident(category="data_security", source="internal", persons_leaked=persons)
    return grading.propose(
        incident=incident, systems=list(systems), ticked_ids=set(), criterion_set=criterion_set
    )


@pytest.mark.parametrize(
    "persons, expected",
    [
        (99_999, "IV"),
        (100_000, "IV"),  # the repealed 2012 "≥10万" no longer proposes 重大
        (100_001, "IV"),
        (999_999, "IV"),
        (1_000_000, "III"),
        (1_000_001, "III"),
        (9_999_999, "III"),
        (10_000_000, "II"),
        (10_000_001, "II"),
        (99_999_999, "II"),
        (100_000_000, "I"),
        (100_000_001, "I"),
    ],
)
def test_personal_information_leak_is_graded_by_the_cac_guide(persons, expected):
    proposal = propose_for(persons)
    assert proposal.grade == expected
    assert not any(c.source_repealed for c in proposal.matched)


def test_repealed_criteria_are_kept_for_reference_with_source_and_marker():
    active = GradingCriterionSet.active()
    old = active.criteria.get(code="ii-investors-leaked-2012")
    assert old.source_repealed and "已废止" in old.source and old.source_status == "C"
    assert "10万人" in old.description and "10万户" not in old.description
    assert active.criteria.get(code="iii-settlement-before-open-2012").source_repealed
    for criterion in active.criteria.all():
        assert criterion.source and criterion.source_status in ("C", "Q", "S"), criterion.code


def test_the_2021_table_ships_as_an_inactive_labelled_template():
    active = GradingCriterionSet.active()
    template = active.criteria.filter(code__startswith="csrc2021-")
    assert template.count() == 18  # 五类…一类 × I/II/III, and data leaks by volume
    for criterion in template:
        assert not criterion.is_active
        assert criterion.description.startswith("【模板·待填写，未启用】")
        assert "〔2021〕12号" in criterion.source and criterion.source_status == "S"
    class5 = template.get(code="csrc2021-class5-ii")
    assert {"fact": "system_class", "operator": "eq", "threshold": 5} in class5.conditions
    # Whatever the facts, a template proposes nothing.
    system = AffectedSystem(
        name="集中交易",
        category="trading",
        system_class=5,
        abnormality_percent=100,
        abnormality_minutes=10_000,
    )
    assert not propose_for(systems=[system]).matched


def test_a_template_left_unfilled_cannot_be_activated(officer):
    draft = criteria_services.criterion_set_copy(
        criterion_set=GradingCriterionSet.active(), actor=officer
    )
    draft.criteria.filter(code="csrc2021-class5-i").update(is_active=True)
    with pytest.raises(ApplicationError, match="csrc2021-class5-i"):
        criteria_services.criterion_set_activate(criterion_set=draft, actor=officer)


@pytest.fixture
def filled(officer):
    """An officer fills one row of the template in a draft and activates it: a 五类 system
    with ≥30 % of its service capability abnormal for ≥60 minutes is 重大 (figures of the test)."""
    draft = criteria_services.criterion_set_copy(
        criterion_set=GradingCriterionSet.active(), actor=officer
    )
    draft.criteria.filter(code="csrc2021-class5-ii").update(
        is_active=True,
        threshold=Decimal(60),
        conditions=[
            {"fact": "system_class", "operator": "eq", "threshold": 5},
            {"fact": "abnormality_percent", "operator": "gte", "threshold": 30},
        ],
    )
    return criteria_services.criterion_set_activate(criterion_set=draft, actor=officer)


@pytest.mark.parametrize(
    "system_class, percent, minutes, expected",
    [
        (5, 30, 59, "IV"),
        (5, 30, 60, "II"),
        (5, 30, 61, "II"),
        (5, 29, 60, "IV"),
        (5, 31, 60, "II"),
        (4, 30, 60, "IV"),
        (None, 30, 60, "IV"),
    ],
)
def test_combined_criterion_class_abnormality_duration(
    filled, system_class, percent, minutes, expected
):
    system = AffectedSystem(
        name="集中交易",
        category="trading",
        system_class=system_class,
        abnormality_percent=percent,
        abnormality_minutes=minutes,
    )
    assert propose_for(systems=[system]).grade == expected


def test_combined_conditions_must_hold_on_one_and_the_same_system(filled):
    long_but_small = AffectedSystem(
        name="a",
        category="trading",
        system_class=5,
        abnormality_percent=10,
        abnormality_minutes=600,
    )
    wide_but_short = AffectedSystem(
        name="b",
        category="trading",
        system_class=5,
        abnormality_percent=90,
        abnormality_minutes=10,
    )
    assert propose_for(systems=[long_but_small, wide_but_short]).grade == "IV"


def test_a_criterion_with_a_bad_condition_is_refused_in_the_admin_form():
    criterion = GradingCriterion(
        criterion_set=GradingCriterionSet.active(),
        code="x",
        grade="II",
        fact="abnormality_minutes",
        threshold=Decimal(60),
        conditions=[{"fact": "nonsense", "operator": "eq", "threshold": 1}],
        description="x",
        source="x",
        source_status="S",
    )
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        criterion.clean()
