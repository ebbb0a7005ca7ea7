"""Through what a change was made: web page, API, admin, background task or command."""

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


def current_channel() -> str:
    return _channel.get()


@contextlib.contextmanager
def channel(value: str):
    token = _channel.set(value)
    try:
        yield
    finally:
        _channel.reset(token)
