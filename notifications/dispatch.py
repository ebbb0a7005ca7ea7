"""Handing outbox rows to workers. A failure to reach the broker is logged and swallowed: the
rows are in the database and the sweep re-enqueues them, so an outage only delays delivery
and never fails the write that created them."""

import logging

from django.db import transaction

from . import conf

logger = logging.getLogger(__name__)


def enqueue_now(ids) -> bool:
    ids = list(ids)
    if not ids:
        return True
    # The project's Celery app by name, not the "current app" a shared_task proxy would pick
    # (a library or test can make another app current).
    from config.celery_app import app

    size = conf.get("NOTIFICATIONS_TASK_BATCH")
    try:
        for start in range(0, len(ids), size):
            app.send_task("notifications.deliver", args=[ids[start : start + size]], retry=False)
    except Exception as exc:  # noqa: BLE001 - the broker is down or unreachable: the sweep retries
        logger.warning("could not enqueue %d outbox rows (%r); the sweep will", len(ids), exc)
        return False
    return True


def enqueue_on_commit(ids) -> None:
    ids = list(ids)
    if ids:
        transaction.on_commit(lambda: enqueue_now(ids))
