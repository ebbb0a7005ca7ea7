"""Fault runs reuse the deadline engine's integration fixtures: a redis-server of our own on a
free port, the Celery producer pointed at it, and real workers on the test database."""

from tests.deadlines.conftest import (  # noqa: F401  (fixtures, registered by import)
    celery_broker,
    redis_server,
    start_worker,
)
