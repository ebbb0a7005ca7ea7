import shutil
import socket
import subprocess
import time

import pytest
from django.test import override_settings
from django.utils import timezone

from core.models import Heartbeat

pytestmark = pytest.mark.django_db


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def own_redis():
    """A redis-server of the test's own on a free port: stopping it never touches shared Redis."""
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    port = _free_port()
    proc = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(50):
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    yield proc, port
    proc.kill()
    proc.wait()


def test_health_reports_everything_up(client, own_redis, officer):
    _proc, port = own_redis
    client.force_login(officer)  # the details are for officers (anonymous: statuses only)
    Heartbeat.objects.create(name="worker", seen_at=timezone.now())
    with override_settings(CELERY_BROKER_URL=f"redis://127.0.0.1:{port}/0"):
        response = client.get("/health/")
    data = response.json()
    assert response.status_code == 200
    assert data["database"]["status"] == "up"
    assert data["broker"] == {"status": "up", "transport": "redis"}
    assert data["worker"]["status"] == "up"


def test_health_reports_redis_down_when_stopped(client, own_redis):
    proc, port = own_redis
    with override_settings(CELERY_BROKER_URL=f"redis://127.0.0.1:{port}/0"):
        assert client.get("/health/").json()["broker"]["status"] == "up"
        proc.terminate()
        proc.wait()
        response = client.get("/health/")
    data = response.json()
    assert response.status_code == 503
    assert data["status"] == "degraded"
    assert data["broker"]["status"] == "down"
    assert data["database"]["status"] == "up"


def test_stale_worker_heartbeat_is_reported(client):
    Heartbeat.objects.create(name="worker", seen_at=timezone.now() - timezone.timedelta(minutes=10))
    data = client.get("/health/").json()
    assert data["worker"]["status"] == "stale"


def test_heartbeat_task_records_worker(db):
    from core.tasks import heartbeat

    heartbeat.apply()
    assert Heartbeat.objects.filter(name="worker").exists()


def test_beat_last_run_comes_from_the_beat_schedule(client):
    from django_celery_beat.models import PeriodicTask

    PeriodicTask.objects.filter(name="core: worker heartbeat").update(last_run_at=timezone.now())
    assert client.get("/health/").json()["beat"]["status"] == "up"
