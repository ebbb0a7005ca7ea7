"""Tags on cases (issue 21.3: bulk "add a tag"). A tag is a short label; a case carries it once."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.policy import VisibleQuerySet

from .cases import Incident
from .common import _handler_q


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @classmethod
    def visibility_q(cls, user) -> Q:
        return Q()  # a label, not a record: anyone who may read cases sees tag names

    def sees(self, user) -> bool:  # noqa: ARG002 - the policy's predicate signature
        return True


class IncidentTag(models.Model):
    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="tag_links", verbose_name=_("incident")
    )
    tag = models.ForeignKey(
        Tag, on_delete=models.PROTECT, related_name="incident_links", verbose_name=_("tag")
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident tag")
        verbose_name_plural = _("incident tags")
        constraints = [
            models.UniqueConstraint(fields=["incident", "tag"], name="incident_tag_once")
        ]

    def __str__(self):
        return f"{self.incident_id}: {self.tag_id}"

    @classmethod
    def visibility_q(cls, user) -> Q:
        return _handler_q(user, "incident__")

    def sees(self, user) -> bool:
        return self.incident.sees(user)
