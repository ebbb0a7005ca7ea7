"""Writes. Keyword-only arguments, one transaction each, full validation; expected failures (rectification)."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from core.errors import ApplicationError

from .. import deadline_links, events
from ..models import (
    RectificationItem,
    TimelineEntry,
)
from .common import S, _timeline


@transaction.atomic
def rectification_create(
    *, title: str, owner, due_at, actor, incident=None, origin=None, description: str = ""
) -> RectificationItem:
    policy.require(actor, "incidents.rectification.create", incident)
    title = (title or "").strip()
    if not title:
        raise ApplicationError(_("Enter what must be rectified."))
    if owner is None:
        raise ApplicationError(_("Choose the owner of the rectification item."))
    if not policy.allows(owner, "incidents.rectification.be_owner"):
        raise ApplicationError(_("A rectification item's owner must be an active user."))
    if due_at is None:
        raise ApplicationError(_("Enter the rectification deadline."))
    if incident is None and origin is None:
        raise ApplicationError(_("A rectification item belongs to an incident or a finding."))
    if incident is not None and incident.status == S.CLOSED:
        raise ApplicationError(_("A closed incident cannot get new rectification items."))
    item = RectificationItem.objects.create(
        incident=incident,
        origin_type=ContentType.objects.get_for_model(origin) if origin is not None else None,
        origin_id=origin.pk if origin is not None else None,
        title=title,
        description=description,
        owner=owner,
        due_at=due_at,
        created_by=policy.person(actor),
    )
    deadline_links.rectification_open(item=item, actor=actor)
    if item.owner_id != getattr(actor, "pk", None):
        events.rectification_assigned(item)
    if incident is not None:
        _timeline(
            incident,
            actor,
            TimelineEntry.Kind.RECTIFICATION,
            _("Rectification item opened: %(t)s (owner %(o)s)") % {"t": title, "o": owner},
        )
        # A major incident that found a gap brings its emergency plan's review forward (O7).
        from .emergency_plans import review_after_major_incident

        review_after_major_incident(incident=incident)
    return item


@transaction.atomic
def rectification_complete(*, item, actor, note: str) -> RectificationItem:
    policy.require(actor, "incidents.rectification.complete", item)
    item = RectificationItem.objects.select_for_update().get(pk=item.pk)
    if item.state != RectificationItem.State.OPEN:
        raise ApplicationError(_("Only an open rectification item can be marked done."))
    note = (note or "").strip()
    if not note:
        raise ApplicationError(_("Describe what was done."))
    item.state = RectificationItem.State.DONE
    item.completion_note = note
    item.completed_at = timezone.now()
    item.save()
    return item


@transaction.atomic
def rectification_verify(*, item, actor, note: str = "", accept: bool = True):
    """A second person (neither the owner nor whoever created it) verifies the work."""
    policy.require(actor, "incidents.rectification.verify", item)
    item = RectificationItem.objects.select_for_update().get(pk=item.pk)
    if item.state != RectificationItem.State.DONE:
        raise ApplicationError(_("Only an item marked done can be verified."))
    if actor is None or actor.pk == item.owner_id:
        raise ApplicationError(
            _("Verification needs a second person: the owner cannot verify their own item.")
        )
    note = (note or "").strip()
    if accept:
        item.state = RectificationItem.State.VERIFIED
        item.verified_by = policy.person(actor)
        item.verified_at = timezone.now()
        item.verification_note = note
        deadline_links.rectification_meet(item=item, actor=actor, met_at=item.completed_at)
    else:
        if not note:
            raise ApplicationError(_("Say why the rectification is not accepted."))
        item.state = RectificationItem.State.OPEN
        item.verification_note = note
        item.completed_at = None
    item.save()
    if item.incident_id:
        _timeline(
            item.incident,
            actor,
            TimelineEntry.Kind.RECTIFICATION,
            (_("Rectification verified: %(t)s") if accept else _("Rectification sent back: %(t)s"))
            % {"t": item.title},
        )
    return item
