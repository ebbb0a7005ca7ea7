"""Writes. Keyword-only arguments, one transaction each, full validation; expected failures (evidence)."""

import hashlib
from pathlib import PurePath

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from core.errors import ApplicationError
from core.uploads import check_upload

from ..models import (
    EVIDENCE_KINDS,
    CustodyEntry,
    Evidence,
    TimelineEntry,
)
from .common import DEFAULT_EVIDENCE_EXTENSIONS, DEFAULT_EVIDENCE_MAX_BYTES, _timeline


class EvidenceTampered(ApplicationError):
    """The stored file no longer matches the hash taken on upload."""


def evidence_limits():
    return (
        getattr(settings, "INCIDENTS_EVIDENCE_MAX_BYTES", DEFAULT_EVIDENCE_MAX_BYTES),
        getattr(settings, "INCIDENTS_EVIDENCE_EXTENSIONS", DEFAULT_EVIDENCE_EXTENSIONS),
    )


def _sha256_of(fileobj) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: fileobj.read(1024 * 1024), b""):
        digest.update(chunk)
    return digest.hexdigest()


@transaction.atomic
def evidence_add(
    *, file, actor, incident=None, rectification_item=None, description: str = ""
) -> Evidence:
    policy.require(
        actor,
        "incidents.evidence.add",
        incident if incident is not None else rectification_item,
    )
    if (incident is None) == (rectification_item is None):
        raise ApplicationError(_("Evidence belongs to one incident or one rectification item."))
    max_bytes, extensions = evidence_limits()
    name = PurePath(file.name or "").name
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in extensions:
        raise ApplicationError(
            _("Files of type “.%(ext)s” are not accepted. Allowed: %(allowed)s.")
            % {"ext": ext, "allowed": ", ".join(extensions)}
        )
    if file.size == 0:
        raise ApplicationError(_("The file is empty."))
    if file.size > max_bytes:
        raise ApplicationError(
            _("The file is too large (%(size)d MB); the limit is %(limit)d MB.")
            % {"size": -(-file.size // (1024 * 1024)), "limit": max_bytes // (1024 * 1024)}
        )
    # Type by content: a program renamed report.pdf, or a name claiming another type, is refused.
    check_upload(file, kinds=EVIDENCE_KINDS, max_bytes=max_bytes)
    file.seek(0)
    sha256 = _sha256_of(file)
    file.seek(0)
    evidence = Evidence(
        incident=incident,
        rectification_item=rectification_item,
        original_name=name[:255],
        content_type=(getattr(file, "content_type", "") or "")[:100],
        size=file.size,
        sha256=sha256,
        description=description,
        uploaded_by=policy.person(actor),
        last_verified_at=timezone.now(),
    )
    evidence.file.save(name, file, save=False)
    evidence.save()
    CustodyEntry.objects.create(
        evidence=evidence,
        actor=policy.person(actor),
        action=CustodyEntry.Action.UPLOADED,
        sha256=sha256,
    )
    case = incident or rectification_item.incident
    if case is not None:
        _timeline(
            case,
            actor,
            TimelineEntry.Kind.EVIDENCE,
            _("Evidence uploaded: %(name)s (SHA-256 %(hash)s…)")
            % {"name": name, "hash": sha256[:12]},
        )
    return evidence


def evidence_open(*, evidence, actor):
    """Verify the stored file against its upload hash and return it opened for reading.
    A mismatch (or a missing file) is recorded — integrity flag, custody entry, timeline and
    audit trail — committed, and then refused with EvidenceTampered."""
    policy.require(actor, "incidents.evidence.open", evidence)
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, OSError):
        handle = None
    observed = ""
    if handle is not None:
        observed = _sha256_of(handle)
        handle.seek(0)
    if handle is not None and observed == evidence.sha256:
        with transaction.atomic():
            Evidence.objects.filter(pk=evidence.pk).update(last_verified_at=timezone.now())
            CustodyEntry.objects.create(
                evidence=evidence,
                actor=policy.person(actor),
                action=CustodyEntry.Action.DOWNLOADED,
                sha256=observed,
            )
        return handle
    if handle is not None:
        handle.close()
    integrity = Evidence.Integrity.TAMPERED if observed else Evidence.Integrity.MISSING
    with transaction.atomic():
        ev = Evidence.objects.select_for_update().get(pk=evidence.pk)
        ev.integrity = integrity
        ev.last_verified_at = timezone.now()
        ev.save(update_fields=["integrity", "last_verified_at"])  # audited (auditlog)
        CustodyEntry.objects.create(
            evidence=ev,
            actor=policy.person(actor),
            action=CustodyEntry.Action.TAMPER_DETECTED,
            sha256=observed,
            note=_("Expected %(expected)s, found %(found)s.")
            % {"expected": ev.sha256, "found": observed or _("no file")},
        )
        case = ev.incident or (ev.rectification_item and ev.rectification_item.incident)
        if case is not None:
            _timeline(
                case,
                actor,
                TimelineEntry.Kind.EVIDENCE,
                _("Integrity check failed for %(name)s: download refused.")
                % {"name": ev.original_name},
            )
    evidence.integrity = integrity
    raise EvidenceTampered(
        _(
            "Evidence “%(name)s” has been altered or removed since upload (SHA-256 mismatch). "
            "The download was refused and the event recorded."
        )
        % {"name": evidence.original_name}
    )


@transaction.atomic
def custody_add(*, evidence, actor, note: str, action: str = CustodyEntry.Action.TRANSFERRED):
    policy.require(actor, "incidents.custody.add", evidence)
    note = (note or "").strip()
    if not note:
        raise ApplicationError(_("Describe the hand-over (to whom, why)."))
    if action not in (CustodyEntry.Action.TRANSFERRED, CustodyEntry.Action.NOTE):
        raise ApplicationError(_("Choose a valid custody action."))
    return CustodyEntry.objects.create(
        evidence=evidence, actor=policy.person(actor), action=action, note=note
    )
