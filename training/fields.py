"""What an officer writes on a training plan and a course, declared once: the page forms and the
services' keywords (tests/foundation/test_editable_fields.py). The training API only reads."""

PLAN = ("year", "title", "description")  # plan_create
COURSE = (  # course_create (besides the plan it belongs to)
    "title",
    "summary",
    "topics",
    "due_date",
    "duration_minutes",
    "pass_mark",
    "questions_per_attempt",
    "max_attempts",
    "newcomer_days",
    "acknowledgement_text",
    "audience_all",
    "audience_roles",
    "audience_departments",
    "audience_users",
)
