"""A monitoring alert in the triage queue: the triagers are told when it arrives, and it waits
on the engine (1 working day by default, an officer-editable policy) until someone promotes,
merges or dismisses it."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import policy
from deadlines import services as deadline_services
from deadlines.calendar import add_working_days
from notifications.events import event_kind, localized, notify_event

TRIAGE = "integrations.alert.triage"

ALERT_ARRIVED = event_kind(
    "integrations.alert.arrived",
    gettext_lazy("A monitoring alert arrived for triage"),
    gettext_lazy("incident handlers and compliance officers"),
)


def alert_arrived(*, alert) -> None:
    url = reverse("integrations:alert-detail", args=[alert.pk])
    due, confirmed = add_working_days(alert.received_at, 1)
    deadline_services.deadline_create(
        subject=alert,
        kind=TRIAGE,
        due_at=due,
        owner=None,
        title=_("Triage alert: %(t)s") % {"t": alert.title[:80]},
        url=url,
        calendar_confirmed=confirmed,
        actor=policy.SYSTEM,
    )
    notify_event(
        kind=ALERT_ARRIVED.code,
        recipients=[u for u in policy.holders(policy.TRIAGERS) if policy.can_see(u, alert)],
        subject=localized(
            gettext_lazy("Alert from %(source)s: %(title)s"),
            source=alert.source.name,
            title=alert.title[:120],
        ),
        url=url,
        key=f"alert-{alert.pk}",
    )


def alert_handled(*, alert) -> None:
    current = deadline_services.active_deadline(alert, TRIAGE)
    if current is not None:
        deadline_services.deadline_meet(deadline=current, actor=policy.SYSTEM)
