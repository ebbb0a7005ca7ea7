"""The incident app's deadlines, all through the deadline engine (never Celery ETAs).

Kinds (seeded by migration):
- `incident.handling.target` — resolve within the response plan's target hours of discovery;
  depends on the grade (the plan is chosen by category and grade), moved on every regrade,
  met on resolution.
- `incident.partner.followup` — partner incidents: follow up with the partner; opened on
  creation, met when the investigation task is done.
- `incident.rectification` — one per rectification item; met on verification.
"""

from datetime import timedelta

from django.utils.translation import gettext as _

from deadlines import services as deadline_services
from deadlines.models import Deadline

HANDLING = "incident.handling.target"
PARTNER_FOLLOWUP = "incident.partner.followup"
RECTIFICATION = "incident.rectification"

ACTIVE = (Deadline.State.OPEN, Deadline.State.MISSED)


def _active(subject, kind):
    return deadline_services.deadlines_for(subject, kind).filter(state__in=ACTIVE).first()


def handling_target_schedule(*, incident, plan, actor, reason):
    due = incident.discovered_at + timedelta(hours=plan.target_resolution_hours)
    current = _active(incident, HANDLING)
    if current is None:
        if incident.resolved_at:
            return None
        return deadline_services.deadline_create(
            subject=incident,
            kind=HANDLING,
            due_at=due,
            owner=incident.assignee,
            owner_role="" if incident.assignee else "incident_lead",
            title=_("Resolve %(ref)s (grade %(grade)s)")
            % {"ref": incident.reference, "grade": incident.grade},
            url=incident.get_absolute_url(),
            actor=actor,
        )
    if current.due_at != due:
        return deadline_services.deadline_move(
            deadline=current, due_at=due, reason=str(reason), actor=actor
        )
    return current


def handling_target_meet(*, incident, actor, met_at=None):
    current = _active(incident, HANDLING)
    if current is not None:
        deadline_services.deadline_meet(deadline=current, met_at=met_at, actor=actor)


def partner_followup_open(*, incident, hours, actor):
    return deadline_services.deadline_create(
        subject=incident,
        kind=PARTNER_FOLLOWUP,
        due_at=incident.created_at + timedelta(hours=hours),
        owner=incident.assignee,
        owner_role="" if incident.assignee else "incident_lead",
        title=_("Follow up partner incident %(ref)s") % {"ref": incident.reference},
        url=incident.get_absolute_url(),
        actor=actor,
    )


def partner_followup_meet(*, incident, actor):
    current = _active(incident, PARTNER_FOLLOWUP)
    if current is not None:
        deadline_services.deadline_meet(deadline=current, actor=actor)


def rectification_open(*, item, actor):
    url = item.incident.get_absolute_url() if item.incident_id else ""
    return deadline_services.deadline_create(
        subject=item,
        kind=RECTIFICATION,
        due_at=item.due_at,
        owner=item.owner,
        title=_("Rectification: %(t)s") % {"t": item.title},
        url=url,
        actor=actor,
    )


def rectification_meet(*, item, actor, met_at=None):
    current = _active(item, RECTIFICATION)
    if current is not None:
        deadline_services.deadline_meet(deadline=current, met_at=met_at, actor=actor)


def incident_deadlines(incident):
    """Every deadline on the case (its own, and other apps' such as reports) for the page."""
    return deadline_services.deadlines_for(incident)
