"""Reporting's clocks for people's work (the regulators' clocks are in services/obligations.py):
an approval waiting for a second person, a piece of risk intelligence waiting for triage. Both
are met when someone acts; defaults (1 working day) are the kinds' policies, editable in the
admin. And the event notices that go with them."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import policy
from deadlines import services as deadline_services
from deadlines.calendar import add_working_days
from notifications.events import event_kind, localized, notify_event

APPROVAL = "reporting.approval.waiting"
INTELLIGENCE_TRIAGE = "reporting.intelligence.triage"

APPROVAL_REQUESTED = event_kind(
    "reporting.report.approval_requested",
    gettext_lazy("A report waits for your approval"),
    gettext_lazy("compliance officers who did not draft the report"),
)
REPORT_DECIDED = event_kind(
    "reporting.report.decided",
    gettext_lazy("Your report was approved or returned"),
    gettext_lazy("the report's author and contributors"),
)
INTELLIGENCE_ARRIVED = event_kind(
    "reporting.intelligence.arrived",
    gettext_lazy("New risk intelligence to triage"),
    gettext_lazy("incident handlers and compliance officers"),
)


def report_url(report) -> str:
    return reverse("reporting:report-detail", args=[report.pk])


def approval_opened(*, report, approval, approvers) -> None:
    due, confirmed = add_working_days(approval.requested_at, 1)
    deadline_services.deadline_create(
        subject=approval,
        kind=APPROVAL,
        due_at=due,
        owner=None,
        title=_("Approve %(title)s") % {"title": report.title},
        url=report_url(report),
        calendar_confirmed=confirmed,
        actor=policy.SYSTEM,
    )
    notify_event(
        kind=APPROVAL_REQUESTED.code,
        recipients=approvers,
        subject=localized(gettext_lazy("Approval requested: %(title)s"), title=report.title),
        body=localized(
            gettext_lazy("%(user)s asks you to approve version %(v)s of %(title)s."),
            user=str(approval.requested_by),
            v=report.version,
            title=report.title,
        ),
        url=report_url(report),
        key=f"{report.pk}-v{report.version}",
    )


def approval_decided(*, report, approval, actor) -> None:
    current = deadline_services.active_deadline(approval, APPROVAL)
    if current is not None:
        deadline_services.deadline_meet(deadline=current, actor=policy.SYSTEM)
    people = {u.pk: u for u in report.contributors.all()}
    for person in (report.author, approval.requested_by):
        if person is not None:
            people.setdefault(person.pk, person)
    people.pop(getattr(actor, "pk", None), None)
    approved = approval.decision == approval.Decision.APPROVED
    pattern = (
        gettext_lazy("Approved: %(title)s") if approved else gettext_lazy("Returned: %(title)s")
    )
    notify_event(
        kind=REPORT_DECIDED.code,
        recipients=list(people.values()),
        subject=localized(pattern, title=report.title),
        body=approval.comment,
        url=report_url(report),
        key=f"{report.pk}-a{approval.pk}",
    )


def intelligence_arrived(*, item) -> None:
    due, confirmed = add_working_days(item.created_at or timezone.now(), 1)
    url = reverse("reporting:intel-detail", args=[item.pk])
    deadline_services.deadline_create(
        subject=item,
        kind=INTELLIGENCE_TRIAGE,
        due_at=due,
        owner=None,
        title=_("Triage risk intelligence: %(s)s") % {"s": item.summary[:80]},
        url=url,
        calendar_confirmed=confirmed,
        actor=policy.SYSTEM,
    )
    notify_event(
        kind=INTELLIGENCE_ARRIVED.code,
        recipients=[u for u in policy.holders(policy.TRIAGERS) if policy.can_see(u, item)],
        subject=localized(gettext_lazy("Risk intelligence to triage: %(s)s"), s=item.summary[:80]),
        url=url,
        key=f"intelligence-{item.pk}",
    )


def intelligence_triaged(*, item) -> None:
    current = deadline_services.active_deadline(item, INTELLIGENCE_TRIAGE)
    if current is not None:
        deadline_services.deadline_meet(deadline=current, actor=policy.SYSTEM)
