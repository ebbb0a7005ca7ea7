"""Who is acting and through what (web page, API, admin, background task or command).

The audit trail keeps its own context variables instead of django-auditlog's `set_actor`:
auditlog connects a pre_save receiver per request with a time-based dispatch uid, which is
not safe across threads and runs after our own receivers, i.e. after the entry was hashed.
"""

import contextlib
from contextvars import ContextVar

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WEB = "web", _("Web page")
    API = "api", _("API")
    ADMIN = "admin", _("Admin")
    TASK = "task", _("Background task")
    COMMAND = "command", _("Command")
    SYSTEM = "system", _("System")


_channel: ContextVar[str] = ContextVar("audit_channel", default=Channel.SYSTEM)
# A user instance, a (lazy) request.user, or a user id; None when nobody is acting.
_actor: ContextVar[object] = ContextVar("audit_actor", default=None)
_remote: ContextVar[tuple] = ContextVar("audit_remote", default=(None, None))


def current_channel() -> str:
    return _channel.get()


@contextlib.contextmanager
def channel(value: str):
    token = _channel.set(value)
    try:
        yield
    finally:
        _channel.reset(token)


@contextlib.contextmanager
def acting_as(user, *, remote_addr=None, remote_port=None):
    """Attribute every audit entry written inside the block to `user` (an instance or an id).

    Use it in Celery tasks and management commands, which have no request:
    `with acting_as(user_id): incident_close(...)`.
    """
    actor_token = _actor.set(user)
    remote_token = _remote.set((remote_addr, remote_port))
    try:
        yield
    finally:
        _remote.reset(remote_token)
        _actor.reset(actor_token)


class RequestActor:
    """The user of a request, read when an entry is written: DRF authenticates inside the view
    and replaces request.user then, and the session's user is only loaded if needed."""

    def __init__(self, request):
        self.request = request

    def resolve(self):
        return getattr(self.request, "user", None)


def _resolved_actor():
    actor = _actor.get()
    if isinstance(actor, RequestActor):
        actor = actor.resolve()
    return actor


def current_actor_id() -> int | None:
    """The acting user's id, or None (anonymous request, system job)."""
    actor = _resolved_actor()
    if actor is None:
        return None
    if isinstance(actor, int):
        return actor
    if not getattr(actor, "is_authenticated", False):
        return None
    return actor.pk


def current_actor_email() -> str | None:
    actor = _resolved_actor()
    if actor is None or isinstance(actor, int) or not getattr(actor, "is_authenticated", False):
        return None
    return getattr(actor, "email", None) or None


def current_remote() -> tuple:
    return _remote.get()
