"""Fault runs reuse the deadline engine's integration fixtures: a redis-server of our own on a
free port and real workers on the test database (start_worker)."""

import pytest

from tests.deadlines.conftest import (  # noqa: F401  (fixtures, registered by import)
    redis_server,
    start_worker,
)


@pytest.fixture
def celery_broker(redis_server, settings):  # noqa: F811 - the imported fixture
    """The engine's fixture (point this process's Celery producer at the test Redis), also
    dropping the producer pool: app.close() keeps `app.amqp._producer_pool`, so a process that
    published before (another test's on-commit enqueue) would go on publishing to the old
    broker."""
    from config.celery_app import app

    old = app.conf.broker_url
    app.conf.broker_url = redis_server.url
    app.conf.broker_transport_options = {"visibility_timeout": 3600}
    app.close()
    app.amqp._producer_pool = None
    yield redis_server
    app.conf.broker_url = old
    app.close()
    app.amqp._producer_pool = None
