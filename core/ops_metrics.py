"""Core's own figures for /metrics: when the worker and beat last proved they were alive."""

from collections.abc import Iterable
from datetime import datetime

from prometheus_client.core import Metric

from .health import last_seen
from .metrics import gauge, timestamp


def liveness(now: datetime) -> Iterable[Metric]:  # noqa: ARG001 - the source signature
    yield gauge(
        "ir_worker_last_seen_timestamp_seconds",
        "When a Celery worker last ran its heartbeat task (0: never)",
        timestamp(last_seen("worker")),
    )
    yield gauge(
        "ir_beat_last_run_timestamp_seconds",
        "When Celery beat last sent a periodic task (0: never)",
        timestamp(last_seen("beat")),
    )
