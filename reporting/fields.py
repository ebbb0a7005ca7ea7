"""What a person may write on regulator notices and risk intelligence, declared once. The page
forms, the API serializers and the services import these tuples; tests/foundation/
test_editable_fields.py fails when a form's or serializer's writable fields drift from them."""

# notice_create (the page form also takes the notice's file; the API carries no files).
NOTICE = (
    "reference",
    "issuer",
    "title",
    "received_at",
    "feedback_due_at",
    "handler",
    "content",
)
NOTICE_FILE = ("attachment",)
# Handling a received notice (NoticeHandlingForm); notice_update also moves the text and the
# linked incident.
NOTICE_HANDLING = ("status", "handler", "feedback_due_at", "verification")
NOTICE_LINKS = ("incident",)
NOTICE_UPDATE = (*NOTICE_HANDLING, *NOTICE_LINKS, "content")

# intelligence_create; the link to a notice is set where the notice is known (API, notice page).
INTELLIGENCE = (
    "kind",
    "party",
    "party_name",
    "counterparty",
    "summary",
    "details",
    "source",
    "source_url",
    "observed_at",
)
INTELLIGENCE_LINKS = ("notice",)
