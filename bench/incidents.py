"""Benchmark: incident list page, list API (page of 50 with a filter) and an incident page on a
large PostgreSQL database. Seeds with COPY into its own database, then measures server time
through the full Django stack (test client: middleware, session, auth, templates), from Django's
request_started to request_finished, in a process set up as config/wsgi.py sets up a web worker.
The incident page is an open case as handlers work it (graded, tasks, evidence, comments...).
Each target's samples alternate with replays of its own SQL, so both see the same machine.
Target: list page, list API and incident page p95 <= 50 ms server time each (exit status 1
otherwise); the raw SQL time is printed beside for information. CACHE_URL (sessions in Redis)
and PREPARED_QUERIES are read from the environment as the settings read them.

    .venv/bin/python bench/incidents.py [--incidents 100000] [--timeline 1000000]
        [--database-url postgres://postgres@127.0.0.1:5432/ir_bench_inc] [--runs 300] [--reseed]

The last line printed is one JSON object: p50/p95 (ms) per page, the raw SQL time of the same
queries replayed through a cursor, the query count, and whether each target was met.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--incidents", type=int, default=100_000)
    p.add_argument("--timeline", type=int, default=1_000_000)
    p.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/ir_bench_inc")
    p.add_argument("--runs", type=int, default=300)
    p.add_argument("--reseed", action="store_true", help="drop and re-create the database")
    return p.parse_args()


def ensure_database(url, reseed):
    name = url.rsplit("/", 1)[-1]
    host_part = url.split("@", 1)[1].rsplit("/", 1)[0]
    host, port = (host_part.split(":") + ["5432"])[:2]
    user = url.split("://", 1)[1].split("@", 1)[0]
    base = ["-h", host, "-p", port, "-U", user]
    if reseed:
        subprocess.run(["dropdb", *base, "--if-exists", name], check=True)
    exists = subprocess.run(
        ["psql", *base, "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{name}'", "postgres"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not exists:
        subprocess.run(["createdb", *base, name], check=True)


def pct(values, q):
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(q / 100 * (len(values) - 1))))
    return round(values[k], 2)


def seed(n_incidents, n_timeline):
    from django.db import connection

    from accounts.models import Department, User
    from accounts.roles import Role, assign_role
    from incidents.models import Incident, ReferenceCounter

    if Incident.objects.count() >= n_incidents:
        print(f"seed: {Incident.objects.count()} incidents already present", file=sys.stderr)
        return
    started = time.monotonic()
    teams = [
        Department.objects.get_or_create(code=f"bench-{i}", defaults={"name": f"团队{i}"})[0]
        for i in range(10)
    ]
    handlers = []
    for i in range(20):
        u, created = User.objects.get_or_create(
            username=f"bench-handler{i}",
            defaults={"display_name": f"处置员{i}", "department": teams[i % 10]},
        )
        if created:
            assign_role(u, Role.INCIDENT_HANDLER)
        handlers.append(u)
    officer, created = User.objects.get_or_create(
        username="bench-officer", defaults={"display_name": "合规官"}
    )
    if created:
        assign_role(officer, Role.COMPLIANCE_OFFICER)

    rnd = random.Random(42)
    year = 2025
    now = datetime(2025, 12, 31, tzinfo=UTC)
    categories = list(Incident.Category.values)
    sources = list(Incident.Source.values)
    statuses = list(Incident.Status.values)
    grades = ["I", "II", "III", "IV"]
    cols = (
        "reference, year, number, title, description, category, source, is_drill, status, grade, "
        "discovered_at, cii_involved, cause_unknown, counterparty_name, summary, assignee_id, "
        "team_id, "
        "created_by_id, created_at, updated_at"
    )
    with connection.cursor() as cur:
        raw = cur.connection
        with raw.cursor() as c, c.copy(f"COPY incidents_incident ({cols}) FROM STDIN") as copy:
            for i in range(1, n_incidents + 1):
                h = handlers[i % len(handlers)]
                status = statuses[rnd.randrange(len(statuses))]
                grade = "" if status == "new" else grades[rnd.randrange(4)]
                src = sources[rnd.randrange(len(sources))]
                at = now - timedelta(minutes=i * 5)
                copy.write_row(
                    (
                        f"SJAQ-{year}-{i:04d}",
                        year,
                        i,
                        f"事件 {i} 客户数据疑似泄露",
                        "",
                        categories[i % len(categories)],
                        src,
                        src == "drill",
                        status,
                        grade,
                        at,
                        False,
                        False,
                        "",
                        "",
                        h.pk,
                        h.department_id,
                        h.pk,
                        at,
                        at,
                    )
                )
        cur.execute("SELECT min(id), max(id) FROM incidents_incident")
        lo, hi = cur.fetchone()
        kinds = ["note", "action", "containment", "communication"]
        with (
            raw.cursor() as c,
            c.copy(
                "COPY incidents_timelineentry (incident_id, at, actor_id, kind, text) FROM STDIN"
            ) as copy,
        ):
            base = now - timedelta(days=400)
            for j in range(n_timeline):
                copy.write_row(
                    (
                        lo + (j % (hi - lo + 1)),
                        base + timedelta(seconds=j * 30),
                        handlers[j % len(handlers)].pk,
                        kinds[j % 4],
                        f"处置记录 {j}",
                    )
                )
        cur.execute("ANALYZE incidents_incident")
        cur.execute("ANALYZE incidents_timelineentry")
    ReferenceCounter.objects.update_or_create(year=year, defaults={"last_number": n_incidents})
    print(f"seed: done in {time.monotonic() - started:.1f}s", file=sys.stderr)


# Issue 14: each of these pages answers within 50 ms at the 95th percentile (server time). The
# raw SQL time printed beside each is for information only (the "2x raw SQL" target is retired).
TARGETS = ("list_page", "list_api", "incident_page")
TARGET_P95_MS = 50

PAGE_CASE_TITLE = "基准：处置中的客户信息泄露事件"


def page_case(handler):
    """An open case as handlers work it: graded (so reporting deadlines exist), handling, with
    affected systems, response-plan tasks, comments, a rectification item and evidence."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from incidents import services
    from incidents.models import Incident

    existing = Incident.objects.filter(title=PAGE_CASE_TITLE, assignee=handler).first()
    if existing:
        return existing
    now = datetime.now(UTC)
    incident = services.incident_create(
        actor=handler,
        title=PAGE_CASE_TITLE,
        category=Incident.Category.DATA_SECURITY,
        source=Incident.Source.INTERNAL,
        description="客户信息经第三方接口被批量查询。",
        occurred_at=now - timedelta(hours=3),
        discovered_at=now - timedelta(hours=2),
        assignee=handler,
        team=handler.department,
        persons_leaked=12_000,
        records_leaked=50_000,
        data_level=3,
        affected_systems=[
            {
                "name": "集中交易系统",
                "category": "trading",
                "is_cii": False,
                "outage_minutes": 0,
                "main_function_outage_minutes": 0,
            },
            {
                "name": "网上交易系统",
                "category": "customer_service",
                "is_cii": False,
                "outage_minutes": 20,
                "main_function_outage_minutes": 0,
            },
        ],
    )
    services.incident_grade(incident=incident, actor=handler, reason="")
    services.incident_start_handling(incident=incident, actor=handler)
    for i in range(3):
        services.comment_add(
            incident=incident, actor=handler, body=f"已联系数据使用部门，第{i + 1}次核实。"
        )
        services.timeline_add(
            incident=incident, actor=handler, text=f"封堵接口第{i + 1}步", kind="action"
        )
    services.task_create(
        incident=incident,
        actor=handler,
        title="核对泄露范围",
        assignee=handler,
        due_at=now + timedelta(hours=6),
    )
    services.rectification_create(
        incident=incident,
        actor=handler,
        title="接口增加频率限制",
        owner=handler,
        due_at=now + timedelta(days=30),
    )
    services.evidence_add(
        incident=incident,
        actor=handler,
        description="接口访问日志",
        file=SimpleUploadedFile(
            "access.txt", b"GET /api/clients 200\n" * 50, content_type="text/plain"
        ),
    )
    return incident


def measure(runs):
    from django.conf import settings
    from django.core.signals import request_finished, request_started
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from incidents.models import Incident, TimelineEntry

    officer = User.objects.get(username="bench-officer")
    handler = User.objects.get(username="bench-handler3")
    incident = page_case(handler)

    # Server time: from Django's request_started to request_finished, i.e. what a WSGI server
    # spends in Django for the request (the test client's own work around it is left out).
    stamps, cpu_ms = {}, []

    def started(**kwargs):
        stamps["start"] = time.perf_counter()
        stamps["cpu_start"] = time.thread_time()

    def finished(**kwargs):
        stamps["end"] = time.perf_counter()
        stamps["cpu_end"] = time.thread_time()

    request_started.connect(started)
    request_finished.connect(finished)

    def served(client, url):
        resp = client.get(url)
        assert resp.status_code == 200, url
        cpu_ms.append((stamps["cpu_end"] - stamps["cpu_start"]) * 1000)
        return (stamps["end"] - stamps["start"]) * 1000

    def statements_of(client, url):
        with CaptureQueriesContext(connection) as ctx:
            served(client, url)
        statements = []
        for q in ctx.captured_queries:
            sql = q["sql"]
            # A server-side cursor (QuerySet.iterator) is replayed as its plain SELECT.
            if sql.startswith("DECLARE "):
                sql = sql.split(" FOR ", 1)[1]
            elif sql.startswith(("FETCH ", "CLOSE ")):
                continue
            statements.append(sql)
        return statements

    def timed(client, url):
        """Server time of `url`, alternating with a replay of the SQL it ran (raw SQL time,
        for information), so both see the same machine (a shared VM's speed drifts)."""
        for _ in range(5):
            served(client, url)
        statements = statements_of(client, url)

        def replay(cur):
            for sql in statements:
                cur.execute(sql)
                if cur.description:
                    cur.fetchall()

        page_ms, raw_ms = [], []
        cpu_ms.clear()
        with connection.cursor() as cur:
            for _ in range(5):
                replay(cur)
            for _ in range(runs):
                page_ms.append(served(client, url))
                t = time.perf_counter()
                replay(cur)
                raw_ms.append((time.perf_counter() - t) * 1000)
        reset_queries()
        figures = {
            "p50_ms": pct(page_ms, 50),
            "p95_ms": pct(page_ms, 95),
            "raw_sql_p50_ms": pct(raw_ms, 50),
            "raw_sql_p95_ms": pct(raw_ms, 95),
            # this process's CPU time per request (what a busy shared machine does not inflate)
            "cpu_p50_ms": pct(cpu_ms, 50),
            "cpu_p95_ms": pct(cpu_ms, 95),
            "queries": len(statements),
        }
        return figures, page_ms

    officer_client, handler_client = Client(), Client()
    officer_client.force_login(officer)
    handler_client.force_login(handler)
    results, all_ms = {}, []
    for name, client, url in (
        ("list_page", handler_client, "/incidents/"),
        ("list_page_officer_filtered", officer_client, "/incidents/?status=handling"),
        ("list_api", officer_client, "/api/incidents/?status=handling&category=data_security"),
        ("incident_page", handler_client, f"/incidents/{incident.pk}/"),
        # one action form opened on the page (loaded on demand), for information
        ("action_form_task", handler_client, f"/incidents/{incident.pk}/forms/task/?fragment=1"),
    ):
        results[name], ms = timed(client, url)
        if name in TARGETS:
            all_ms += ms
    results["incident_page"]["timeline_entries"] = incident.timeline.count()
    results["target_p95_ms"] = TARGET_P95_MS
    results["met"] = {t: results[t]["p95_ms"] <= TARGET_P95_MS for t in TARGETS}
    results["sizes"] = {
        "incidents": Incident.objects.count(),
        "timeline_entries": TimelineEntry.objects.count(),
        "runs": runs,
    }
    results["settings"] = {
        "session_cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
        "prepared_queries": settings.PREPARED_QUERIES,
    }
    results["median_all_ms"] = round(statistics.median(all_ms), 2)
    return results


def main():
    args = parse_args()
    ensure_database(args.database_url, args.reseed)
    os.environ.setdefault("MEDIA_ROOT", str(ROOT / "var" / "bench-media"))
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    seed(args.incidents, args.timeline)
    # Measure in a process set up as config/wsgi.py sets up a web worker.
    import config.wsgi  # noqa: F401

    results = measure(args.runs)
    print(json.dumps(results, ensure_ascii=False))
    if not all(results["met"].values()):
        sys.exit(1)  # a target missed (the JSON above says which)


if __name__ == "__main__":
    main()
