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
