"""Event kinds of the sharing gate and the ledger (notifications.events registry)."""

from django.utils.translation import gettext_lazy

from notifications.events import event_kind

SHARING_REQUEST_WAITING = event_kind(
    "governance.sharing_request.waiting",
    gettext_lazy("A sharing request waits for your approval"),
    gettext_lazy("the data-authority department, data controllers, compliance officers"),
).code

LEDGER_MISMATCH = event_kind(
    "governance.ledger.mismatch",
    gettext_lazy("A data transfer does not match an approved sharing request"),
    gettext_lazy("the data-authority department"),
).code
