from auditlog.models import AbstractLogEntry, LogEntryManager
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models, router, transaction
from django.utils.translation import gettext_lazy as _

from . import chain
from .context import (
    Channel,
    current_actor_email,
    current_actor_id,
    current_channel,
    current_remote,
)


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit entry."""


class AuditEntryQuerySet(models.QuerySet):
    # Bulk paths bypass save() and so the hash chain; updates and deletes are never allowed.
    def update(self, **kwargs):
        raise AppendOnlyError("Audit entries cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit entries cannot be deleted.")

    def bulk_create(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries are written one at a time (hash chain).")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries cannot be changed.")


# auditlog ships no type information, so the stubs' plugin cannot build this dynamic base class.
class AuditEntryManager(LogEntryManager.from_queryset(AuditEntryQuerySet)):  # type: ignore[misc]
    pass


class AuditEntry(AbstractLogEntry):
    """django-auditlog's entry plus the channel and a hash chain that makes tampering visible."""

    # Deleting a user must not rewrite the log: SET_NULL would UPDATE log rows (refused by the
    # trigger) and a database FK would block the deletion. The id and e-mail stay as recorded.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        blank=True,
        null=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    # CASCADE would delete log rows with a stale content type; the log outlives models, so the
    # content type stays (remove_stale_contenttypes reports it as protected instead).
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("content type"),
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.SYSTEM, db_index=True
    )
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True)
    entry_hash = models.CharField(_("entry hash"), max_length=64, blank=True)

    objects = AuditEntryManager()

    # Unseen by the stubs plugin, as auditlog (the base class) ships no types; annotations only.
    actor_id: int | None
    actor_email: str | None
    remote_addr: str | None
    remote_port: int | None

    class Meta(AbstractLogEntry.Meta):
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        # Chain order; timestamps of concurrent writers can tie or interleave.
        ordering = ["-id"]
        get_latest_by = "id"

    def save(self, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit entries cannot be changed.")
        self._stamp_context()
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            chain.lock_chain(using)
            last = (
                type(self)
                ._base_manager.using(using)
                .order_by("-id")
                .values_list("id", "entry_hash")
                .first()
            )
            # Contiguous ids (not the sequence, which skips on rollback): a gap means a deletion.
            self.id = last[0] + 1 if last else 1
            self.prev_hash = last[1] if last else ""
            self.entry_hash = chain.hash_of_instance(self)
            kwargs["force_insert"] = True
            super().save(**kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries cannot be deleted.")

    def _stamp_context(self):
        self.channel = current_channel()
        if self.actor_id is None:
            self.actor_id = current_actor_id()
            if self.actor_id is not None and not self.actor_email:
                self.actor_email = current_actor_email()
        if self.remote_addr is None:
            self.remote_addr, self.remote_port = current_remote()

    @property
    def actor_label(self) -> str:
        """The actor as shown to auditors; survives the user's deletion."""
        if self.actor_id is None:
            return str(_("system"))
        try:
            actor = self.actor
        except ObjectDoesNotExist:  # the actor's model's DoesNotExist
            actor = None  # the user was deleted; the log keeps the id and e-mail
        if actor is not None:
            return f"{actor} ({actor.get_username()})"
        return f"#{self.actor_id} {self.actor_email or ''}".strip()
