"""Writes of the facts the reporting rules read: service restored (outage-type cases), a
suspected crime (the police must be told), the cause not yet known (a preliminary analysis
report instead of the final one) and when it was established. Each sends
`incident_reporting_facts_changed` in its transaction, so the reports re-time with the change."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from core.errors import ApplicationError

from ..models import Incident, TimelineEntry
from ..signals import incident_reporting_facts_changed
from .common import _lock, _timeline


def _at(value, incident):
    at = value or timezone.now()
    if at > timezone.now() + timedelta(minutes=5):
        raise ApplicationError(_("The time cannot be in the future."))
    if at < incident.discovered_at:
        raise ApplicationError(_("The time cannot be before the incident was discovered."))
    return at


def _changed(incident, actor, reason):
    incident_reporting_facts_changed.send(
        sender=Incident, incident=incident, actor=actor, reason=str(reason)
    )


@transaction.atomic
def incident_service_restore(*, incident, actor, restored_at=None) -> Incident:
    """Service is back: follow-up reports of an outage-type case stop."""
    policy.require(actor, "incidents.incident.change", incident)
    incident = _lock(incident)
    if incident.service_restored_at is not None:
        raise ApplicationError(_("Service restoration is already recorded."))
    incident.service_restored_at = _at(restored_at, incident)
    incident.save(update_fields=["service_restored_at", "updated_at"])
    text = _("Service restored.")
    _timeline(incident, actor, TimelineEntry.Kind.STATUS, text, at=incident.service_restored_at)
    _changed(incident, actor, text)
    return incident


@transaction.atomic
def incident_flag_suspected_crime(*, incident, actor, reason: str, flagged_at=None) -> Incident:
    """The case is suspected to be a crime: the police are to be told promptly (及时)."""
    policy.require(actor, "incidents.incident.change", incident)
    incident = _lock(incident)
    if not (reason or "").strip():
        raise ApplicationError(_("Say why a crime is suspected."))
    if incident.suspected_crime_at is not None:
        raise ApplicationError(_("The case is already flagged as a suspected crime."))
    incident.suspected_crime_at = _at(flagged_at, incident)
    incident.save(update_fields=["suspected_crime_at", "updated_at"])
    text = _("Suspected crime: %(reason)s") % {"reason": reason.strip()}
    _timeline(incident, actor, TimelineEntry.Kind.NOTE, text, at=incident.suspected_crime_at)
    _changed(incident, actor, text)
    return incident


@transaction.atomic
def incident_set_cause_unknown(*, incident, actor) -> Incident:
    """The cause is not yet known: a preliminary analysis report is due after handling ends,
    and the final report once the cause is established."""
    policy.require(actor, "incidents.incident.change", incident)
    incident = _lock(incident)
    if incident.cause_unknown:
        raise ApplicationError(_("The cause is already marked as not yet known."))
    incident.cause_unknown = True
    incident.cause_established_at = None
    incident.save(update_fields=["cause_unknown", "cause_established_at", "updated_at"])
    text = _("Cause not yet known.")
    _timeline(incident, actor, TimelineEntry.Kind.NOTE, text)
    _changed(incident, actor, text)
    return incident


@transaction.atomic
def incident_establish_cause(*, incident, actor, established_at=None) -> Incident:
    policy.require(actor, "incidents.incident.change", incident)
    incident = _lock(incident)
    if not incident.cause_unknown:
        raise ApplicationError(_("The cause is not marked as unknown."))
    incident.cause_unknown = False
    incident.cause_established_at = _at(established_at, incident)
    incident.save(update_fields=["cause_unknown", "cause_established_at", "updated_at"])
    text = _("Cause established.")
    _timeline(incident, actor, TimelineEntry.Kind.NOTE, text, at=incident.cause_established_at)
    _changed(incident, actor, text)
    return incident
