"""Writes. Keyword-only arguments, one transaction each, full validation; expected failures (concerns)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from core.errors import ApplicationError

from .. import deadline_links, events
from ..models import (
    Concern,
    Incident,
)
from .cases import incident_create


@transaction.atomic
def concern_submit(*, reporter, summary: str, details: str = "", observed_at=None) -> Concern:
    policy.require(reporter, "incidents.concern.submit")
    summary = (summary or "").strip()
    if not summary:
        raise ApplicationError(_("Say briefly what you noticed."))
    if observed_at and observed_at > timezone.now() + timedelta(minutes=5):
        raise ApplicationError(_("The time you noticed it cannot be in the future."))
    concern = Concern.objects.create(
        reporter=reporter, summary=summary, details=details, observed_at=observed_at
    )
    # The triagers hear of it now, and the engine reminds them until it is triaged.
    deadline_links.concern_triage_open(concern=concern, actor=policy.SYSTEM)
    events.concern_arrived(concern)
    return concern


def _lock_concern(concern):
    concern = Concern.objects.select_for_update().get(pk=concern.pk)
    if concern.state != Concern.State.SUBMITTED:
        raise ApplicationError(_("This concern has already been triaged."))
    return concern


@transaction.atomic
def concern_promote(
    *, concern, actor, category: str, title: str = "", assignee=None, outcome: str = ""
) -> Incident:
    policy.require(actor, "incidents.concern.triage", concern)
    concern = _lock_concern(concern)
    incident = incident_create(
        title=title or concern.summary,
        description=concern.details,
        category=category,
        source=Incident.Source.STAFF_REPORT,
        discovered_at=concern.created_at,
        occurred_at=concern.observed_at
        if concern.observed_at and concern.observed_at <= concern.created_at
        else None,
        assignee=assignee or policy.person(actor),
        actor=actor,
    )
    concern.state = Concern.State.PROMOTED
    concern.incident = incident
    concern.triaged_by, concern.triaged_at = policy.person(actor), timezone.now()
    concern.outcome = (outcome or "").strip() or _(
        "Thank you. Your report was opened as incident %(ref)s and is being handled."
    ) % {"ref": incident.reference}
    concern.save()
    deadline_links.concern_triage_meet(concern=concern, actor=actor)
    return incident


@transaction.atomic
def concern_close(*, concern, actor, reason: str) -> Concern:
    policy.require(actor, "incidents.concern.triage", concern)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reporter a reason for closing the concern."))
    concern = _lock_concern(concern)
    concern.state = Concern.State.CLOSED
    concern.triaged_by, concern.triaged_at = policy.person(actor), timezone.now()
    concern.outcome = reason
    concern.save()
    deadline_links.concern_triage_meet(concern=concern, actor=actor)
    return concern
