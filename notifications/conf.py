"""Tunables. Each is a Django setting, overridable by an environment variable of the same name
(read strictly: a malformed value fails at start-up)."""

import os

from django.conf import settings

DEFAULTS = {
    # Then the row is dead. 30 attempts: about an hour of doubling backoff, then hourly for
    # another day, so a mail server that is down for hours loses nothing.
    "NOTIFICATIONS_MAX_ATTEMPTS": 30,
    "NOTIFICATIONS_RETRY_BASE_SECONDS": 30,  # backoff: base * 2 ** (attempts - 1) ...
    "NOTIFICATIONS_RETRY_MAX_SECONDS": 3600,  # ... capped here
    "NOTIFICATIONS_LEASE_SECONDS": 300,  # a row "sending" longer than this: its worker died
    "NOTIFICATIONS_REQUEUE_SECONDS": 120,  # a pending row not delivered by then is re-enqueued
    # Outbox ids per delivery task: a burst of 100,000 rows is 200 tasks, each claiming its
    # rows in one statement and delivering the in-app ones in one INSERT and one UPDATE.
    "NOTIFICATIONS_TASK_BATCH": 500,
}


def get(name: str) -> int:
    if name in os.environ:
        return int(os.environ[name])
    return int(getattr(settings, name, DEFAULTS[name]))


def backoff_seconds(attempts: int) -> int:
    base = get("NOTIFICATIONS_RETRY_BASE_SECONDS")
    return min(base * 2 ** max(attempts - 1, 0), get("NOTIFICATIONS_RETRY_MAX_SECONDS"))


def email_backend() -> str | None:
    """NOTIFICATIONS_EMAIL_BACKEND: a backend for notification e-mail other than EMAIL_BACKEND
    (e.g. real SMTP for notifications while the rest of a test setup keeps locmem)."""
    value = os.environ.get("NOTIFICATIONS_EMAIL_BACKEND") or getattr(
        settings, "NOTIFICATIONS_EMAIL_BACKEND", None
    )
    return value or None
