"""What a person may write on each incident-side record, declared once. The page forms, the API
serializers and the services import these tuples; tests/foundation/test_editable_fields.py fails
when a form's or serializer's writable fields drift from them."""

# Facts that feed the grading (changing one after grading asks for a regrade).
INCIDENT_FACTS = (
    "persons_leaked",
    "records_leaked",
    "data_level",
    "pfi_class",
    "economic_loss",
    "cii_involved",
)
# incident_update; the form and the API also take these at creation.
INCIDENT = (
    "title",
    "description",
    "category",
    "occurred_at",
    "discovered_at",
    "contained_at",
    "assignee",
    "team",
    "counterparty",
    "agreement",
    "counterparty_name",
    *INCIDENT_FACTS,
)
INCIDENT_AT_CREATION = ("source",)  # where it came from (and the drill flag) is fixed then
AFFECTED_SYSTEM = ("name", "category", "is_cii", "outage_minutes", "main_function_outage_minutes")

TASK = ("title", "description", "assignee", "due_at")  # task_create, task_update
TASK_WORKFLOW = ("state",)  # moved by task_set_state, not edited

CONCERN = ("summary", "details", "observed_at", "confidentiality")  # concern_submit
