"""Evaluating grading criteria against an incident's facts (pure reads, no writes)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from core.labels import shown

from .models import GRADE_SEVERITY, Grade, GradingCriterion, GradingCriterionSet

Fact = GradingCriterion.Fact


@dataclass
class Proposal:
    criterion_set: GradingCriterionSet
    grade: str
    matched: list = field(default_factory=list)  # GradingCriterion, most severe first
    facts: dict = field(default_factory=dict)
    catch_all: bool = False  # nothing matched: 一般 (IV) applies to any other event

    @property
    def matched_ids(self):
        return {c.pk for c in self.matched}


def incident_facts(incident, systems=None) -> dict:
    """The measurable facts, JSON-friendly (stored with every grade decision)."""
    if systems is None:
        systems = list(incident.affected_systems.all()) if incident.pk else []
    return {
        "persons_leaked": incident.persons_leaked,
        "records_leaked": incident.records_leaked,
        "data_level": incident.data_level,
        "pfi_class": incident.pfi_class,
        "economic_loss": str(incident.economic_loss)
        if incident.economic_loss is not None
        else None,
        "cii_involved": incident.cii_involved,
        "systems": [
            {
                "name": s.name,
                "category": s.category,
                "is_cii": s.is_cii,
                "outage_minutes": s.outage_minutes,
                "main_outage_minutes": s.main_function_outage_minutes,
                "system_class": getattr(s, "system_class", None),
                "abnormality_percent": getattr(s, "abnormality_percent", None),
                "abnormality_minutes": getattr(s, "abnormality_minutes", None),
            }
            for s in systems
        ],
    }


def fact_value(criterion: GradingCriterion, facts: dict):
    """The incident's value for the criterion's fact (None: unknown, never matches)."""
    if criterion.fact in GradingCriterion.OUTAGE_FACTS:
        key = "outage_minutes" if criterion.fact == Fact.OUTAGE_MINUTES else "main_outage_minutes"
        values = [
            s[key]
            for s in facts["systems"]
            if (not criterion.system_category or s["category"] == criterion.system_category)
            and (not criterion.cii_only or s["is_cii"])
        ]
        return max(values) if values else None
    value = facts.get(criterion.fact)
    return Decimal(value) if value is not None else None


_SYSTEM_KEYS = {
    Fact.OUTAGE_MINUTES: "outage_minutes",
    Fact.MAIN_FUNCTION_OUTAGE_MINUTES: "main_outage_minutes",
    Fact.SYSTEM_CLASS: "system_class",
    Fact.ABNORMALITY_PERCENT: "abnormality_percent",
    Fact.ABNORMALITY_MINUTES: "abnormality_minutes",
}


def _compare(operator: str, value, threshold) -> bool:
    if value is None or threshold in (None, ""):
        return False  # unknown, or a template not filled in: never matches
    value, threshold = Decimal(str(value)), Decimal(str(threshold))
    Op = GradingCriterion.Operator
    if operator == Op.GT:
        return value > threshold
    if operator == Op.EQ:
        return value == threshold
    if operator == Op.LTE:
        return value <= threshold
    if operator == Op.LT:
        return value < threshold
    return value >= threshold  # 以上 includes the threshold itself


def _get(criterion, name, default=None):
    if isinstance(criterion, dict):
        return criterion.get(name, default)
    return getattr(criterion, name, default)


def matches(criterion: GradingCriterion, facts: dict, ticked_ids=()) -> bool:
    """The criterion's own condition and every further condition hold. Conditions on systems
    (outage, class, abnormality and its duration) hold together on one affected system."""
    if not _get(criterion, "is_active", True) or _get(criterion, "source_repealed", False):
        return False  # a template, or a repealed source: for reference only
    if criterion.fact == Fact.QUALITATIVE:
        return criterion.pk in ticked_ids
    if criterion.fact == Fact.CII_INVOLVED:
        return bool(facts.get("cii_involved"))
    conditions = [
        {"fact": criterion.fact, "operator": criterion.operator, "threshold": criterion.threshold}
    ] + list(_get(criterion, "conditions", None) or [])
    on_system = [c for c in conditions if c["fact"] in GradingCriterion.SYSTEM_FACTS]
    on_case = [c for c in conditions if c["fact"] not in GradingCriterion.SYSTEM_FACTS]
    for cond in on_case:
        value = facts.get(cond["fact"])
        if not _compare(cond["operator"], value, cond["threshold"]):
            return False
    if not on_system:
        return True
    for system in facts["systems"]:
        if criterion.system_category and system["category"] != criterion.system_category:
            continue
        if criterion.cii_only and not system["is_cii"]:
            continue
        if all(
            _compare(c["operator"], system.get(_SYSTEM_KEYS[c["fact"]]), c["threshold"])
            for c in on_system
        ):
            return True
    return False


def propose(
    *, incident, criterion_set=None, ticked_ids=None, systems=None, criteria=None
) -> Proposal:
    """The highest grade with a matching criterion, and every criterion that matched.
    `criteria` (the set's criteria, already read) saves the page a query."""
    criterion_set = criterion_set or GradingCriterionSet.active()
    if criterion_set is None:
        from core.errors import ApplicationError

        raise ApplicationError(_("No active grading criteria set. Ask a compliance officer."))
    facts = incident_facts(incident, systems)
    if ticked_ids is None:
        ticked_ids = (
            set(incident.qualitative_criteria.values_list("pk", flat=True))
            if incident.pk
            else set()
        )
    if criteria is None:
        criteria = list(criterion_set.criteria.all())
    matched = [c for c in criteria if matches(c, facts, ticked_ids)]
    matched.sort(key=lambda c: (-GRADE_SEVERITY[c.grade], c.order, c.pk))
    if matched:
        return Proposal(criterion_set, matched[0].grade, matched, facts)
    return Proposal(criterion_set, Grade.IV, [], facts, catch_all=True)


def facts_lines(facts) -> list[tuple[str, str]]:
    """A grade decision's facts as the audit log shows them: each fact by its label, the systems
    by name with their outage."""
    if not isinstance(facts, dict):
        return [("", str(facts))]
    labels = dict(Fact.choices)
    lines = []
    for key, value in facts.items():
        if key == "systems":
            names = [
                _("%(name)s (outage: %(minutes)s min)")
                % {"name": s.get("name"), "minutes": shown(s.get("outage_minutes"))}
                for s in value or []
                if isinstance(s, dict)
            ]
            lines.append((str(_("Affected systems")), "、".join(names) or "—"))
        else:
            lines.append((str(labels.get(key, key)), shown(value)))
    return lines


def matched_lines(matched) -> list[tuple[str, str]]:
    """The criteria a grade decision matched (their snapshots), by code and description."""
    if not isinstance(matched, list):
        return [("", str(matched))]
    return [
        (str(c.get("code") or "—"), f"{c.get('grade') or ''} {c.get('description') or ''}".strip())
        for c in matched
        if isinstance(c, dict)
    ]
