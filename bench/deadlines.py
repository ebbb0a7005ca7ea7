"""Benchmark of the deadline engine on PostgreSQL with a real Redis and one Celery worker.

    .venv/bin/python bench/deadlines.py [--steps 100000] [--steady-per-minute 100]
                                         [--steady-minutes 3] [--database ir_bench]

1. Burst: `--steps` deadlines whose one reminder step (-1h, in-app to the owner) falls due at
   the same moment are seeded through `deadlines_bulk_create` before the clock starts
   (`seeded_per_s`, for information). Then the sweep task is sent, as beat would, and the one
   worker (prefork pool of 2: the sweep loop in one process, deliveries in the other) does the
   rest. From that moment:
   - `created_per_s`: due steps turned into outbox notifications by the sweep (claiming the
     due steps and writing their outbox rows): steps / (last outbox row's created_at - start);
   - `delivered_per_s`: steps / (last row's sent_at - start), i.e. end to end, sweep included.
2. Steady: `--steady-per-minute` steps a minute, due times spread evenly, for
   `--steady-minutes` minutes (default 3, not a full hour) -> `latency_p99_s` from each step's
   due time to its delivery (sent_at - scheduled_for).

It creates (and drops first) its own database, starts its own redis-server on a free port and
its own worker, and prints, as its last line, one JSON object with the figures.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, timeout=10):
    stop = time.monotonic() + timeout
    while time.monotonic() < stop:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"redis did not start on {port}")


def recreate_database(server_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=100_000)
    parser.add_argument("--steady-per-minute", type=int, default=100)
    parser.add_argument("--steady-minutes", type=float, default=3.0)
    parser.add_argument("--database", default="ir_bench")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--concurrency", type=int, default=2, help="the one worker's pool size")
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args()

    recreate_database(args.server, args.database)
    workdir = Path(tempfile.mkdtemp(prefix="bench-deadlines-"))
    port = free_port()
    broker = f"redis://127.0.0.1:{port}/0"
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": f"{args.server}/{args.database}",
            "CELERY_BROKER_URL": broker,
            "CELERY_RESULT_BACKEND": "cache+memory://",
            "LOG_LEVEL": "WARNING",
        }
    )
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    redis = subprocess.Popen(
        [shutil.which("redis-server") or "redis-server", "--port", str(port), "--bind",
         "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    wait_for_port(port)
    worker_log = open(workdir / "worker.log", "wb")  # noqa: SIM115
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config.celery_app", "worker", "-l", "warning",
         "-c", str(args.concurrency), "-Q", "celery,sweep", "--without-gossip", "--without-mingle",
         "--without-heartbeat", "-n", f"bench-{os.getpid()}@%h"],
        cwd=ROOT, env=env, stdout=worker_log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    stop_beat = threading.Event()
    try:
        result = run(args, stop_beat)
    finally:
        stop_beat.set()
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
        redis.terminate()
        redis.wait(10)
    print(json.dumps(result))


def beat(stop: threading.Event):
    """What celery beat does with the 'deadlines: sweep' row: send the task every minute."""
    from deadlines.tasks import sweep

    while not stop.is_set():
        sweep.apply_async()
        stop.wait(60)


def wait_all_sent(expected: int, timeout: float) -> None:
    from notifications.models import Outbox

    stop = time.monotonic() + timeout
    sent = 0
    while time.monotonic() < stop:
        sent = Outbox.objects.filter(state=Outbox.State.SENT).count()
        if sent >= expected:
            return
        time.sleep(0.5)
    raise SystemExit(f"only {sent} of {expected} delivered within {timeout}s")


def run(args, stop_beat):
    from datetime import timedelta

    from django.db import connection
    from django.db.models import Max
    from django.utils import timezone

    from accounts import policy
    from accounts.models import Department, User
    from deadlines import services
    from deadlines.seed import ensure_kind
    from notifications.models import InboxItem, Outbox

    kind = ensure_kind(
        None,
        code="bench.remind",
        label="Bench",
        steps=[{"offset": "-1h", "recipients": ["owner"], "channels": ["inapp"]}],
    )
    subject, _ = Department.objects.get_or_create(code="bench", defaults={"name": "Bench"})
    users = [
        User.objects.get_or_create(username=f"bench{i}", defaults={"display_name": f"压测{i}"})[0]
        for i in range(50)
    ]

    # 1. Burst: every step falls due at `step_at`; seeded before the clock starts.
    log(f"seeding {args.steps} deadlines ...")
    step_at = timezone.now()
    t0 = time.monotonic()
    services.deadlines_bulk_create(
        items=(
            {
                "subject": subject,
                "kind": kind,
                "due_at": step_at + timedelta(hours=1),
                "owner": users[i % len(users)],
                "title": f"压测期限 {i}",
            }
            for i in range(args.steps)
        ),
        now=step_at - timedelta(seconds=1),
        actor=policy.SYSTEM,
    )
    seeded_s = time.monotonic() - t0
    log(f"seeded in {seeded_s:.1f}s; sweeping and delivering ...")
    started = timezone.now()
    beat_thread = threading.Thread(target=beat, args=(stop_beat,), daemon=True)
    beat_thread.start()
    wait_all_sent(args.steps, args.timeout)
    last = Outbox.objects.aggregate(created=Max("created_at"), sent=Max("sent_at"))
    sweep_s = (last["created"] - started).total_seconds()
    deliver_s = (last["sent"] - started).total_seconds()
    assert Outbox.objects.count() == args.steps
    assert InboxItem.objects.count() == args.steps
    log(f"outbox rows written in {sweep_s:.1f}s, delivered in {deliver_s:.1f}s")

    # 2. Steady load: N a minute, due times spread evenly, created ahead (as domain apps do).
    total = int(args.steady_per_minute * args.steady_minutes)
    begin = timezone.now() + timedelta(seconds=5)
    gap = 60.0 / args.steady_per_minute
    services.deadlines_bulk_create(
        items=[
            {
                "subject": subject,
                "kind": kind,
                "due_at": begin + timedelta(hours=1, seconds=i * gap),
                "owner": users[i % len(users)],
                "title": f"稳态期限 {i}",
            }
            for i in range(total)
        ],
        actor=policy.SYSTEM,
    )
    log(f"steady: {total} steps over {args.steady_minutes} min ...")
    wait_all_sent(args.steps + total, args.steady_minutes * 60 + 60)
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT EXTRACT(EPOCH FROM (o.sent_at - o.scheduled_for))
               FROM notifications_outbox o JOIN deadlines_deadline d ON d.id = o.deadline_id
               WHERE d.title LIKE %s ORDER BY 1""",
            ["稳态期限 %"],
        )
        latencies = [float(r[0]) for r in cursor.fetchall()]
    assert len(latencies) == total
    p99 = latencies[min(len(latencies) - 1, int(round(0.99 * len(latencies))) - 1)]
    return {
        "steps": args.steps,
        "seeded_per_s": round(args.steps / seeded_s, 1),
        "created_per_s": round(args.steps / sweep_s, 1),
        "delivered_per_s": round(args.steps / deliver_s, 1),
        "sweep_s": round(sweep_s, 2),
        "deliver_s": round(deliver_s, 2),
        "steady_steps": total,
        "steady_per_minute": args.steady_per_minute,
        "steady_minutes": args.steady_minutes,
        "latency_p50_s": round(latencies[len(latencies) // 2], 3),
        "latency_p99_s": round(p99, 3),
        "latency_max_s": round(latencies[-1], 3),
        "worker_concurrency": args.concurrency,
    }


if __name__ == "__main__":
    main()
