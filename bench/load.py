"""Load: concurrent signed-in users through the main pages and the API, against gunicorn on
PostgreSQL, started the way the README starts the product for several processes.

    .venv/bin/python bench/load.py [--users 50] [--duration 60] [--workers 2]
        [--think 1.0] [--incidents 5000] [--timeline 50000]
        [--database ir_bench_load] [--server postgres://postgres@127.0.0.1:5432] [--reuse]

1. Its own database (dropped and re-created unless --reuse): migrate, seed_demo, then volume
   (bench/incidents.py's COPY seeding: --incidents incidents, --timeline timeline entries) and
   --users load accounts (40% staff, 40% incident handlers, 20% compliance officers).
2. `gunicorn config.wsgi -w <workers>` on a free loopback port (DEBUG off, broker in memory:
   nothing here needs a worker; the API's per-user throttle is raised, because 50 people
   sharing one office IP is not what it guards against).
3. --users threads, each a `requests` session that signs in through the login page, then loops
   over its role's pages and API calls with a think time of --think seconds on average
   (uniform 0.5x–1.5x) until --duration seconds have passed. Only loopback traffic; bounded.
   Sign-ins and one warm-up pass over the pages are done before the clock starts and are not
   counted. Think time 1 s is a brisk clicker: 50 users offer ~47 requests/s.
4. Last line: one JSON object: requests_per_s, p95_ms, errors (+ p50_ms, p99_ms, requests, per
   page p95). An error is a transport failure or any status other than 200.
"""

import argparse
import importlib.util
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "Load-Bench-2026!"


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--users", type=int, default=50)
    p.add_argument("--duration", type=float, default=60.0, help="seconds of measured load")
    p.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    p.add_argument("--think", type=float, default=1.0, help="mean seconds between requests")
    p.add_argument("--incidents", type=int, default=5000)
    p.add_argument("--timeline", type=int, default=50_000)
    p.add_argument("--database", default="ir_bench_load")
    p.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    p.add_argument("--reuse", action="store_true", help="keep an already seeded database")
    return p.parse_args()


def recreate_database(server_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def database_exists(server_url: str, name: str) -> bool:
    import psycopg

    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as conn:
        return bool(conn.execute("SELECT 1 FROM pg_database WHERE datname=%s", [name]).fetchone())


def prepare(args, env):
    """Migrate, demo data, volume and the load accounts; returns {role: [usernames]}."""
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    spec = importlib.util.spec_from_file_location("bench_incidents", ROOT / "bench/incidents.py")
    bench_incidents = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench_incidents)
    from incidents.models import Incident

    if not Incident.objects.filter(year=2025).exists():  # bench/incidents.py seeds 2025
        bench_incidents.seed(args.incidents, args.timeline)

    from accounts.models import Department, User
    from accounts.roles import Role, assign_role

    # Handlers sit in the seeded incidents' teams (bench-0 … bench-9), so each sees a team's
    # share of the volume; everyone else in a department of their own.
    team = Department.objects.get_or_create(code="bench-load", defaults={"name": "压测部门"})[0]
    seeded_teams = list(Department.objects.filter(code__regex=r"^bench-[0-9]+$").order_by("code"))
    plan = [(Role.STAFF, 0.4), (Role.INCIDENT_HANDLER, 0.4), (Role.COMPLIANCE_OFFICER, 0.2)]
    names = defaultdict(list)
    i = 0
    for role, share in plan:
        for n in range(max(1, round(args.users * share))):
            username = f"load-{role}-{n:03d}"  # per role: --reuse with another --users works
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create_user(
                    username=username,
                    password=PASSWORD,
                    email=f"{username}@example.com",
                    display_name=f"压测用户{i}",
                    department=seeded_teams[i % len(seeded_teams)]
                    if role == Role.INCIDENT_HANDLER and seeded_teams
                    else team,
                )
                assign_role(user, role)
            names[str(role)].append(username)
            i += 1
    return names


# --- what each role does ------------------------------------------------------------------------

STAFF_PAGES = [
    "/",
    "/training/",
    "/notifications/",
    "/deadlines/mine/",
    "/incidents/concerns/mine/",
    "/api/training/assignments/",
]
HANDLER_PAGES = [
    "/",
    "/incidents/",
    "/incidents/?page=2",
    "/incident/<id>",
    "/incident/<id>",
    "/reporting/",
    "/deadlines/mine/",
    "/notifications/",
    "/api/incidents/",
    "/api/incidents/?page=3",
    "/api-incident/<id>",
]
OFFICER_PAGES = [
    "/",
    "/governance/",
    "/governance/agreements/",
    "/deadlines/",
    "/reporting/",
    "/incidents/",
    "/incident/<id>",
    "/training/plans/",
    "/api/governance/agreements/",
    "/api/reporting/reports/",
    "/api/incidents/",
]
PAGES = {
    "staff": STAFF_PAGES,
    "incident_handler": HANDLER_PAGES,
    "compliance_officer": OFFICER_PAGES,
}


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = []
        self.per_page = defaultdict(list)
        self.errors = Counter()
        self.error_samples = []

    def record(self, label, ms, error=None):
        with self.lock:
            self.latencies.append(ms)
            self.per_page[label].append(ms)
            if error:
                self.errors[label] += 1
                if len(self.error_samples) < 10:
                    self.error_samples.append(f"{label}: {error}")


def sign_in(session, base, username):
    page = session.get(f"{base}/accounts/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    r = session.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=30,
    )
    if r.status_code != 200 or "/accounts/login/" in r.url:
        raise RuntimeError(f"{username} could not sign in ({r.status_code} {r.url})")


def pct(values, q):
    if not values:
        return None
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(q / 100 * (len(values) - 1))))
    return round(values[k], 1)


def main():
    args = parse_args()
    if not args.reuse or not database_exists(args.server, args.database):
        log(f"creating database {args.database}")
        recreate_database(args.server, args.database)
    workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": f"{args.server}/{args.database}",
        "CELERY_BROKER_URL": "memory://",
        "CELERY_RESULT_BACKEND": "cache+memory://",
        "VAR_DIR": str(workdir / "var"),
        "API_THROTTLE_USER": "1000000/hour",
        "LOG_LEVEL": "WARNING",
    }
    started = time.monotonic()
    names = prepare(args, env)
    log(
        f"prepared in {time.monotonic() - started:.0f}s: {dict((k, len(v)) for k, v in names.items())}"
    )

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server_env = dict(os.environ)
    server_env.update(env)
    server_log = open(workdir / "gunicorn.log", "wb")  # noqa: SIM115
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "-w", str(args.workers),
         "-b", f"127.0.0.1:{port}", "--access-logfile", "-", "--log-level", "warning"],
        cwd=ROOT, env=server_env, stdout=server_log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        import requests

        for _ in range(300):
            try:
                if requests.get(f"{base}/accounts/login/", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if server.poll() is not None:
                raise SystemExit("gunicorn exited:\n" + (workdir / "gunicorn.log").read_text())
            time.sleep(0.2)
        result = run(args, base, names)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    print(json.dumps(result, ensure_ascii=False))


def virtual_user(base, username, role, *, started, clock, think, stats, seed):
    """One person: sign in, then pages and API calls with think time until the clock runs out."""
    import requests

    rnd = random.Random(seed)
    session = requests.Session()
    session.headers["Accept-Language"] = "zh-CN,zh;q=0.9"
    sign_in(session, base, username)
    ids = []
    if role != "staff":
        r = session.get(f"{base}/api/incidents/", timeout=30)
        ids = [row["id"] for row in r.json().get("results", [])] if r.ok else []
    # Warm-up, not measured: each page once (templates compiled, caches filled in both
    # gunicorn workers, as on a server that has been up for a while).
    for label in PAGES[role]:
        if "<id>" not in label:
            session.get(base + label, timeout=60, allow_redirects=False)
    started.wait()  # everybody signed in and warmed up: the clock starts
    stop_at = clock["stop_at"]
    time.sleep(rnd.uniform(0, think))  # people do not all click at the same instant
    pages = PAGES[role]
    while time.monotonic() < stop_at:
        label = rnd.choice(pages)
        path = label
        if "<id>" in label:
            if not ids:
                continue
            pk = rnd.choice(ids)
            path = f"/api/incidents/{pk}/" if label.startswith("/api-") else f"/incidents/{pk}/"
        t0 = time.perf_counter()
        error = None
        try:
            r = session.get(base + path, timeout=30, allow_redirects=False)
            if r.status_code != 200:
                error = f"HTTP {r.status_code}"
        except Exception as exc:  # noqa: BLE001 - every failure counts
            error = type(exc).__name__
        stats.record(label, (time.perf_counter() - t0) * 1000, error)
        pause = think * rnd.uniform(0.5, 1.5)
        if time.monotonic() + pause >= stop_at:
            break
        time.sleep(pause)


def run(args, base, names):
    stats = Stats()
    users = [(u, role) for role, us in names.items() for u in us][: args.users]
    clock = {}
    # The last party to arrive (after every sign-in) sets the end of the measured window.
    started = threading.Barrier(
        len(users) + 1,
        action=lambda: clock.update(
            began=time.monotonic(), stop_at=time.monotonic() + args.duration
        ),
    )
    failures = []

    def person(i, username, role):
        try:
            virtual_user(
                base, username, role, started=started, clock=clock, think=args.think,
                stats=stats, seed=i,
            )  # fmt: skip
        except threading.BrokenBarrierError:
            pass
        except Exception as exc:  # noqa: BLE001
            failures.append(f"{username}: {exc}")
            started.abort()

    threads = [
        threading.Thread(target=person, args=(i, u, role), daemon=True)
        for i, (u, role) in enumerate(users)
    ]
    for t in threads:
        t.start()
    log(f"{len(users)} users signing in")
    try:
        started.wait(timeout=300)
    except threading.BrokenBarrierError:
        raise SystemExit(f"sign-in failed: {failures[:5]}")
    log(f"load for {args.duration:.0f}s")
    for t in threads:
        t.join(args.duration + 60)
    elapsed = time.monotonic() - clock["began"]
    n = len(stats.latencies)
    if stats.error_samples:
        log("errors, first few:\n  " + "\n  ".join(stats.error_samples))
    return {
        "users": len(users),
        "workers": args.workers,
        "duration_s": round(elapsed, 1),
        "think_s": args.think,
        "requests": n,
        "p50_ms": pct(stats.latencies, 50),
        "p99_ms": pct(stats.latencies, 99),
        "p95_ms_by_page": {k: pct(v, 95) for k, v in sorted(stats.per_page.items())},
        "requests_per_s": round(n / elapsed, 1),
        "p95_ms": pct(stats.latencies, 95),
        "errors": sum(stats.errors.values()),
    }


if __name__ == "__main__":
    main()
