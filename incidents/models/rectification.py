"""Incident cases (the standard's §5 emergency response): grading criteria, incidents, the work on (rectification)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.policy import VisibleQuerySet
from core.models import TimeStampedModel

from .cases import Incident
from .common import _handler_q


class RectificationItem(TimeStampedModel):
    """整改: a corrective action with an owner, an engine deadline, evidence and verification by
    a second person.

    Ownership: an item belongs either to an incident (`incident`, nullable FK) or to another
    record through the generic link (`origin_type`/`origin_id`), e.g. a training drill's finding
    (training.DrillFinding). The incident FK is kept explicit because closing a case checks its
    open items with one indexed query; other apps use the generic link and never need a change
    here. At least one of the two is set.
    """

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done, awaiting verification")
        VERIFIED = "verified", _("Verified")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN_STATES = (State.OPEN, State.DONE)

    incident = models.ForeignKey(
        Incident,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rectifications",
        verbose_name=_("incident"),
    )
    origin_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("origin type"),
    )
    origin_id = models.PositiveBigIntegerField(_("origin id"), null=True, blank=True)
    origin = GenericForeignKey("origin_type", "origin_id")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="rectification_items",
        verbose_name=_("owner"),
    )
    due_at = models.DateTimeField(_("due at"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    completion_note = models.TextField(_("completion note"), blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verification_note = models.TextField(_("verification note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification item")
        verbose_name_plural = _("rectification items")
        ordering = ["due_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(incident__isnull=False) | Q(origin_type__isnull=False),
                name="incidents_rectification_has_owner",
            )
        ]
        indexes = [models.Index(fields=["origin_type", "origin_id"], name="inc_rect_origin_idx")]

    def __str__(self):
        return self.title

    @classmethod
    def visibility_q(cls, user) -> Q:
        return _handler_q(user, "incident__") | Q(owner=user)

    @property
    def is_open(self):
        return self.state in self.OPEN_STATES
