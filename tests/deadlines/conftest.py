import pytest

from deadlines.seed import ensure_kind


@pytest.fixture
def recorded_enqueues(monkeypatch):
    """Outbox ids handed to the broker, instead of a broker (for tests without a worker)."""
    calls = []

    def fake(ids):
        calls.append(list(ids))
        return True

    monkeypatch.setattr("notifications.dispatch.enqueue_now", fake)
    return calls


@pytest.fixture
def report_kind(db):
    return ensure_kind(
        None,
        code="test.report",
        label="Report due",
        steps=[
            {"offset": "-1h", "recipients": ["owner"], "channels": ["inapp", "email"]},
            {"offset": "0", "recipients": ["owner", "owner_manager"], "channels": ["inapp"]},
            {
                "offset": "+1h",
                "recipients": ["role:compliance_officer"],
                "channels": ["inapp"],
                "repeat_every": "1d",
            },
        ],
    )


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """A redis-server of our own on a free port for the whole session (never the shared 6379)."""
    from .processes import RedisServer

    server = RedisServer(tmp_path_factory.mktemp("redis"))
    try:
        server.start()
    except RuntimeError as exc:
        pytest.skip(str(exc))
    yield server
    server.stop()


@pytest.fixture
def celery_broker(redis_server, settings):
    """Point this process's Celery producer at the test Redis."""
    from config.celery_app import app

    old = app.conf.broker_url
    app.conf.broker_url = redis_server.url
    app.conf.broker_transport_options = {"visibility_timeout": 3600}
    app.close()  # drop pooled connections to the old broker
    yield redis_server
    app.conf.broker_url = old
    app.close()


@pytest.fixture
def start_worker(transactional_db, celery_broker, tmp_path):
    """start_worker(**env) -> a running Worker on the test database; stopped at teardown."""
    from django.db import connection

    from .processes import Worker

    if connection.vendor != "postgresql":
        pytest.skip("the worker tests need PostgreSQL")
    workers = []

    def start(**env):
        worker = Worker(
            database_name=connection.settings_dict["NAME"],
            broker_url=celery_broker.url,
            log_path=tmp_path / f"worker-{len(workers)}.log",
            env={k: str(v) for k, v in env.items()},
        )
        worker.start()
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()
