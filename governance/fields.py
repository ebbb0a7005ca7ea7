"""What a person may write on a sharing registration, declared once: the page form, the API
serializer and sharing_registration_create's keywords (tests/foundation/test_editable_fields.py
fails when one drifts)."""

REGISTRATION = (
    "counterparty",
    "agreement",
    "dataset",
    "purpose",
    "data_level",
    "sharing_tier",
    "planned_on",
    "is_bulk_one_time",
    "record_count",
)

# The register of sharing media: what an officer states about a medium (the custodian only at
# registration; afterwards it passes by a confirmed handover).
MEDIUM = (
    "name",
    "kind",
    "serial_number",
    "custodian",
    "ownership",
    "owner_name",
    "area",
    "max_level",
    "items",
    "has_independent_security",
    "backup_medium",
    "backup_note",
    "check_interval_days",
    "notes",
)

# A sharing evaluation's goal and plan (方案): edited by the execution layer while preparing.
EVALUATION_PLAN = (
    "title",
    "period_start",
    "period_end",
    "goal",
    "plan_scope",
    "plan_objects",
    "plan_organisation",
    "plan_budget",
    "plan_schedule",
)

# The report (方案, 目标, 结论, 意见).
EVALUATION_REPORT = ("report_plan", "report_goal", "report_conclusion", "report_opinion")

EVALUATION_MEASURE = (
    "name",
    "method",
    "tools",
    "risks",
    "rollback",
    "contingency",
    "supervision",
    "supervisor",
)
