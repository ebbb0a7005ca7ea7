"""Writes. Keyword-only arguments, one transaction each, full validation; expected failures (concerns)."""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from audit.context import acting_as
from core.errors import ApplicationError

from .. import deadline_links, events
from ..models import (
    Concern,
    ConcernMessage,
    Incident,
)
from .cases import incident_create

C = Concern.Confidentiality


def _code_hash(code: str) -> str:
    # The code carries 120 random bits: a plain SHA-256 cannot be guessed back from the row.
    return hashlib.sha256((code or "").strip().upper().encode()).hexdigest()


def _new_code() -> str:
    raw = secrets.token_hex(15).upper()  # 30 hex digits = 120 bits
    return "-".join(raw[i : i + 5] for i in range(0, 30, 5))


def concern_submit(
    *,
    reporter,
    summary: str,
    details: str = "",
    observed_at=None,
    confidentiality: str = C.NAMED,
) -> Concern:
    """A staff member reports a concern: named, confidential (the row keeps the reporter, whom
    only the compliance head is shown) or anonymous (no account is stored at all; the reporter
    follows the concern with a code, returned once as `concern.follow_code` and kept only as a
    hash).

    A confidential or anonymous submission writes its audit entries with no actor and no
    address: the trail would otherwise name the person (the request's user) next to the row."""
    policy.require(reporter, "incidents.concern.submit")
    if confidentiality not in C.values:
        raise ApplicationError(_("Choose who may know that you sent the report."))
    if confidentiality == C.NAMED:
        return _submit(reporter, summary, details, observed_at, confidentiality)
    with acting_as(None, remote_addr=None, remote_port=None):
        return _submit(reporter, summary, details, observed_at, confidentiality)


@transaction.atomic
def _submit(reporter, summary, details, observed_at, confidentiality) -> Concern:
    summary = (summary or "").strip()
    if not summary:
        raise ApplicationError(_("Say briefly what you noticed."))
    if observed_at and observed_at > timezone.now() + timedelta(minutes=5):
        raise ApplicationError(_("The time you noticed it cannot be in the future."))
    code = _new_code() if confidentiality == C.ANONYMOUS else ""
    concern = Concern.objects.create(
        reporter=None if confidentiality == C.ANONYMOUS else reporter,
        confidentiality=confidentiality,
        follow_code_hash=_code_hash(code) if code else "",
        summary=summary,
        details=details,
        observed_at=observed_at,
    )
    # The triagers hear of it now, and the engine reminds them until it is triaged.
    deadline_links.concern_triage_open(concern=concern, actor=policy.SYSTEM)
    events.concern_arrived(concern)
    concern.follow_code = code  # shown once to the reporter, never stored
    return concern


def concern_by_code(code: str) -> Concern | None:
    """The anonymous concern a follow-up code opens (None for a wrong code)."""
    code = (code or "").strip()
    if len(code) < 20:
        return None
    return (
        Concern.objects.filter(confidentiality=C.ANONYMOUS, follow_code_hash=_code_hash(code))
        .prefetch_related("messages")
        .first()
    )


def _add_message(concern, body, *, from_reporter, author) -> ConcernMessage:
    body = (body or "").strip()
    if not body:
        raise ApplicationError(_("Write your message first."))
    if concern.state == Concern.State.CLOSED and not from_reporter:
        raise ApplicationError(_("This concern is closed."))
    return ConcernMessage.objects.create(
        concern=concern, body=body, from_reporter=from_reporter, author=author
    )


@transaction.atomic
def concern_message_add(*, actor, concern: Concern, body: str) -> ConcernMessage:
    """A triager replies (the reporter sees it), or the signed-in reporter adds facts. A
    confidential reporter's facts are written without an actor in the trail."""
    policy.require(actor, "incidents.concern.message", concern)
    if concern.reporter_id is not None and concern.reporter_id == actor.pk:
        if concern.confidentiality == C.CONFIDENTIAL:
            with acting_as(None, remote_addr=None, remote_port=None):
                return _add_message(concern, body, from_reporter=True, author=actor)
        return _add_message(concern, body, from_reporter=True, author=actor)
    message = _add_message(concern, body, from_reporter=False, author=policy.person(actor))
    if concern.reporter_id is not None:
        from notifications.services import notify

        notify(
            recipients=[concern.reporter],
            subject=_("A handler replied to your concern: %(s)s") % {"s": concern.summary[:60]},
            url=reverse("incidents:concern-detail", args=[concern.pk]),
            channels=("inapp",),
            dedupe_key=f"concern-reply:{message.pk}",
        )
    return message


def concern_follow_add(*, code: str, body: str) -> ConcernMessage:
    """The anonymous reporter adds facts with the follow-up code (no account, no sign-in: the
    code is the authorisation). Nothing identifying is recorded, in the row or the trail."""
    with acting_as(None, remote_addr=None, remote_port=None), transaction.atomic():
        concern = concern_by_code(code)
        if concern is None:
            raise ApplicationError(_("No concern matches this code. Check it and try again."))
        return _add_message(concern, body, from_reporter=True, author=None)


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
