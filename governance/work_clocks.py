"""Governance's clocks for people's work: an agreement waiting for a second officer's approval
(1 working day by default, an officer-editable policy), with the event notices that go with it:
the approvers when it is submitted, its owner when it is approved or returned."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import policy
from deadlines import services as deadline_services
from deadlines.calendar import add_working_days
from notifications.events import event_kind, localized, notify_event

APPROVAL = "governance.agreement.approval"

APPROVAL_REQUESTED = event_kind(
    "governance.agreement.approval_requested",
    gettext_lazy("An agreement waits for your approval"),
    gettext_lazy("compliance officers other than the agreement's owner"),
)
DECIDED = event_kind(
    "governance.agreement.decided",
    gettext_lazy("Your agreement was approved or returned"),
    gettext_lazy("the agreement's owner"),
)


def approval_opened(*, agreement, actor) -> None:
    due, confirmed = add_working_days(agreement.submitted_at, 1)
    deadline_services.deadline_create(
        subject=agreement,
        kind=APPROVAL,
        due_at=due,
        owner=None,
        title=_("Approve agreement %(ref)s") % {"ref": agreement.reference},
        url=agreement.get_absolute_url(),
        calendar_confirmed=confirmed,
        actor=policy.SYSTEM,
    )
    approvers = [
        u
        for u in policy.holders(policy.OFFICERS)
        if u.pk != getattr(actor, "pk", None)
        and policy.allows(u, "governance.agreement.approve", agreement)
        and u.pk != agreement.owner_id
    ]
    notify_event(
        kind=APPROVAL_REQUESTED.code,
        recipients=approvers,
        subject=localized(
            gettext_lazy("Agreement %(ref)s with %(party)s waits for your approval"),
            ref=agreement.reference,
            party=str(agreement.counterparty),
        ),
        url=agreement.get_absolute_url(),
        key=f"{agreement.pk}-{agreement.submitted_at:%Y%m%d%H%M%S%f}",
    )


def approval_decided(*, agreement, actor, approved: bool) -> None:
    current = deadline_services.active_deadline(agreement, APPROVAL)
    if current is not None:
        deadline_services.deadline_meet(deadline=current, actor=policy.SYSTEM)
    if agreement.owner_id is None or agreement.owner_id == getattr(actor, "pk", None):
        return
    pattern = (
        gettext_lazy("Agreement %(ref)s was approved")
        if approved
        else gettext_lazy("Agreement %(ref)s was returned for changes")
    )
    notify_event(
        kind=DECIDED.code,
        recipients=[agreement.owner],
        subject=localized(pattern, ref=agreement.reference),
        body=agreement.review_comment,
        url=agreement.get_absolute_url(),
        key=f"{agreement.pk}-{agreement.approval_state}-{agreement.submitted_at:%Y%m%d%H%M%S%f}",
    )
