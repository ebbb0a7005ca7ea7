from auditlog.models import AbstractLogEntry
from django.db import models
from django.utils.translation import gettext_lazy as _

from .context import Channel


class AuditEntry(AbstractLogEntry):
    """django-auditlog's entry plus the channel and a hash chain that makes tampering visible."""

    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.SYSTEM, db_index=True
    )
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True)
    entry_hash = models.CharField(_("entry hash"), max_length=64, blank=True)

    class Meta(AbstractLogEntry.Meta):
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
