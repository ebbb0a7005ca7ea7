"""Incident cases (the standard's §5 emergency response): grading criteria, incidents, the work on (evidence)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.policy import VisibleQuerySet
from core.uploads import UploadValidator

from .cases import EVIDENCE_KINDS, Incident
from .common import _handler_q


def evidence_upload_to(instance, filename):
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"incidents/evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{ext}"


class Evidence(models.Model):
    """An uploaded file with its SHA-256, checked again on every download."""

    class Integrity(models.TextChoices):
        OK = "ok", _("Intact")
        TAMPERED = "tampered", _("Tampered: hash mismatch")
        MISSING = "missing", _("File missing")

    incident = models.ForeignKey(
        Incident,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("incident"),
    )
    rectification_item = models.ForeignKey(
        "RectificationItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("rectification item"),
    )
    file = models.FileField(
        _("file"),
        upload_to=evidence_upload_to,
        max_length=255,
        validators=[UploadValidator(kinds=EVIDENCE_KINDS)],
    )
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    description = models.CharField(_("description"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    integrity = models.CharField(
        _("integrity"), max_length=10, choices=Integrity.choices, default=Integrity.OK
    )
    last_verified_at = models.DateTimeField(_("last verified at"), null=True, blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(incident__isnull=False) | Q(rectification_item__isnull=False),
                name="incidents_evidence_has_owner",
            )
        ]

    def __str__(self):
        return self.original_name

    @classmethod
    def visibility_q(cls, user) -> Q:
        return (
            _handler_q(user, "incident__")
            | _handler_q(user, "rectification_item__incident__")
            | Q(rectification_item__owner=user)
        )


class CustodyEntry(models.Model):
    """Chain of custody of one piece of evidence (append-only)."""

    class Action(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        DOWNLOADED = "downloaded", _("Downloaded (hash verified)")
        TAMPER_DETECTED = "tamper_detected", _("Tampering detected, download refused")
        TRANSFERRED = "transferred", _("Handed over")
        NOTE = "note", _("Note")

    evidence = models.ForeignKey(
        Evidence, on_delete=models.CASCADE, related_name="custody", verbose_name=_("evidence")
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    note = models.TextField(_("note"), blank=True)
    sha256 = models.CharField(_("SHA-256 observed"), max_length=64, blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("custody entry")
        verbose_name_plural = _("custody entries")
        ordering = ["evidence", "at", "id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"

    @classmethod
    def visibility_q(cls, user) -> Q:
        return Q(evidence__in=Evidence.objects.filter(Evidence.visibility_q(user)))
