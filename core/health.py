"""Health of the parts the product depends on. Never raises: a part that is down is reported."""

import contextlib
import time

from django.conf import settings
from django.db import connection
from django.utils import timezone


def check_database() -> dict:
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        return {"status": "down", "error": str(exc)[:200]}
    return {"status": "up", "latency_ms": round((time.monotonic() - started) * 1000, 1)}


def check_broker() -> dict:
    url = settings.CELERY_BROKER_URL
    if url.startswith("filesystem://"):
        from pathlib import Path

        folder = Path(str(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]))
        ok = folder.is_dir()
        return {"status": "up" if ok else "down", "transport": "filesystem"}
    try:
        from kombu import Connection

        with Connection(url, connect_timeout=2, transport_options={"max_retries": 0}) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # noqa: BLE001
        return {"status": "down", "transport": url.split("://", 1)[0], "error": str(exc)[:200]}
    return {"status": "up", "transport": url.split("://", 1)[0]}


def last_seen(kind: str):
    """Read from the database, so the answer survives a broker outage. The worker writes its
    heartbeat row when it runs the heartbeat task; beat's DatabaseScheduler records when it
    last sent each periodic task."""
    if kind == "beat":
        from django.db.models import Max
        from django_celery_beat.models import PeriodicTask

        return PeriodicTask.objects.aggregate(at=Max("last_run_at"))["at"]
    from .models import Heartbeat

    hb = Heartbeat.objects.filter(name=kind).first()
    return hb.seen_at if hb else None


def health_report() -> dict:
    db = check_database()
    broker = check_broker()
    worker_at = beat_at = None
    if db["status"] == "up":
        # e.g. tables not migrated yet: the health page says "unknown" for both.
        with contextlib.suppress(Exception):
            worker_at = last_seen("worker")
            beat_at = last_seen("beat")
    now = timezone.now()

    def state(at, fresh_seconds):
        if at is None:
            return {"status": "unknown", "last_seen": None}
        age = (now - at).total_seconds()
        return {
            "status": "up" if age <= fresh_seconds else "stale",
            "last_seen": at.isoformat(),
            "age_s": round(age, 1),
        }

    worker = state(worker_at, 180)
    beat = state(beat_at, 360)  # beat writes last_run_at every few minutes
    overall = "ok" if db["status"] == "up" and broker["status"] == "up" else "degraded"
    return {
        "status": overall,
        "time": now.isoformat(),
        "database": db,
        "broker": broker,
        "worker": worker,
        "beat": beat,
    }
