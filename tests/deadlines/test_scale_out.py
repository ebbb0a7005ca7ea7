"""Scale-out: two web processes, two workers and two beat processes on one PostgreSQL and one
Redis. 1,000 deadline steps fall due; every in-app notification arrives exactly once and every
e-mail at least once, a repeat carrying the same Message-ID."""

import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
import requests
from django.conf import settings
from django.db import connection
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from notifications.models import Channel, Outbox

from .processes import ROOT, SmtpCapture, SmtpServer, free_port, wait_for_port
from .test_delivery import assert_inapp_exactly_once, due_deadlines, people, wait_until


def _env(database_name, broker_url, extra):
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{database_name}",
            "CELERY_BROKER_URL": broker_url,
            "CELERY_RESULT_BACKEND": "cache+memory://",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


def _spawn(args, env, log_path):
    log = open(log_path, "ab")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    return process


def _stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_webs_two_workers_two_beats_deliver_1000_steps(
    department, start_worker, celery_broker, tmp_path
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    # Beat sends the sweep every 2 s in this test (every 60 s in production), and each sweep
    # task sweeps for 1 s: both beats send it, so sweeps overlap on purpose.
    every_2s, _created = IntervalSchedule.objects.get_or_create(
        every=2, period=IntervalSchedule.SECONDS
    )
    # The row the data migration made may have been flushed by an earlier transactional test.
    PeriodicTask.objects.exclude(task="deadlines.sweep").update(enabled=False)
    PeriodicTask.objects.update_or_create(
        name="deadlines: sweep",
        defaults={"task": "deadlines.sweep", "interval": every_2s, "enabled": True},
    )

    capture = SmtpCapture()
    processes = []
    with SmtpServer(capture) as smtp:
        extra = {
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
            "NOTIFICATIONS_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "DEADLINES_SWEEP_LOOP_SECONDS": 1,
        }
        name = connection.settings_dict["NAME"]
        env = _env(name, celery_broker.url, extra)
        try:
            ports = [free_port(), free_port()]
            for i, port in enumerate(ports):
                processes.append(
                    _spawn(
                        ["gunicorn", "config.wsgi", "-w", "1", "-b", f"127.0.0.1:{port}"],
                        env,
                        tmp_path / f"web-{i}.log",
                    )
                )
            start_worker(**extra)
            start_worker(**extra)
            for i in range(2):
                processes.append(
                    _spawn(
                        [
                            "celery",
                            "-A",
                            "config.celery_app",
                            "beat",
                            "-l",
                            "info",
                            "--schedule",
                            str(tmp_path / f"beat-{i}.db"),
                            "--pidfile",
                            "",
                        ],
                        env,
                        tmp_path / f"beat-{i}.log",
                    )  # fmt: skip
                )
            for port in ports:
                wait_for_port(port, timeout=30)

            due_deadlines(1000, channels=["inapp", "email"], subject=department, users=people(20))

            def delivered():
                # The web processes answer throughout.
                for port in ports:
                    assert requests.get(f"http://127.0.0.1:{port}/accounts/login/", timeout=10).ok
                return (
                    Outbox.objects.count() == 2000
                    and not Outbox.objects.exclude(state=Outbox.State.SENT).exists()
                )

            started = time.monotonic()
            assert wait_until(delivered, 240, step=2.0), (
                Outbox.objects.count(),
                Counter(Outbox.objects.values_list("state", flat=True)),
                (tmp_path / "beat-0.log").read_text()[-2000:],
            )
            elapsed = time.monotonic() - started
        finally:
            for process in processes:
                _stop(process)
    assert_inapp_exactly_once()
    email_keys = set(Outbox.objects.filter(channel=Channel.EMAIL).values_list("key", flat=True))
    assert len(email_keys) == 1000
    received = Counter(m["dedupe_key"] for m in capture.received)
    assert set(received) == email_keys
    message_ids = {}
    for m in capture.received:
        assert message_ids.setdefault(m["dedupe_key"], m["message_id"]) == m["message_id"]
    print(f"1,000 steps delivered through 2 beats and 2 workers in {elapsed:.1f} s")
