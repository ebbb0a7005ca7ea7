"""Benchmark: the one search box (core.search, issue 21.2) on a large PostgreSQL database.

Seeds (COPY, into its own database) incidents with varied Chinese titles and descriptions and
timeline entries with varied notes (host names, addresses, phrases), then times the search page
through the full Django stack (test client: middleware, session, auth, templates; the
client's own overhead counted too) for an officer
(sees every case: the widest search) and a handler (their team's cases), over a mix of queries:
an exact reference, a reference fragment, common and rare Chinese words (3+ characters, served by
the pg_trgm indexes), two-character Chinese words (too short for trigrams: scanned), a host name
and a word that matches nothing. Target: p95 <= 100 ms per user (exit status 1 otherwise).

    .venv/bin/python bench/search.py [--incidents 100000] [--timeline 1000000]
        [--database-url postgres://postgres@127.0.0.1:5432/ir_enterprise_bench] [--runs 200]
        [--reseed]

The last line printed is one JSON object: p50/p95/max (ms) per user and per query kind.
"""

import argparse
import importlib
import json
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.incidents import ensure_database, pct  # noqa: E402

TARGET_P95_MS = 100

SYSTEMS = [
    "集中交易系统",
    "网上交易系统",
    "融资融券系统",
    "客户关系管理系统",
    "清算系统",
    "行情系统",
    "办公自动化系统",
    "邮件系统",
    "呼叫中心",
    "移动证券APP",
    "基金销售系统",
    "数据仓库",
]
EVENTS = [
    "勒索病毒感染",
    "客户信息泄露",
    "账号异常登录",
    "接口被批量查询",
    "数据库误删除",
    "网页篡改",
    "钓鱼邮件",
    "拒绝服务攻击",
    "外包人员违规导出",
    "硬盘遗失",
    "配置错误导致暴露",
    "权限滥用",
]
ACTIONS = [
    "已隔离受感染主机",
    "已重置相关账号口令",
    "已保全内存镜像",
    "已通知营业部负责人",
    "已封禁来源地址",
    "已恢复备份数据",
    "已联系合作方安全联系人",
    "已提交首报",
    "正在排查日志",
    "已关闭对外接口",
    "已完成病毒查杀",
    "已更换证书",
]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--incidents", type=int, default=100_000)
    p.add_argument("--timeline", type=int, default=1_000_000)
    p.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/ir_enterprise_bench"
    )
    p.add_argument("--runs", type=int, default=200)
    p.add_argument("--reseed", action="store_true", help="drop and re-create the database")
    return p.parse_args()


def seed(n_incidents, n_timeline):
    from django.db import connection

    from accounts.models import Department, User
    from accounts.roles import Role, assign_role
    from incidents.models import Incident, ReferenceCounter

    if Incident.objects.count() >= n_incidents:
        print(f"seed: {Incident.objects.count()} incidents already present", file=sys.stderr)
        return
    started = time.monotonic()
    trigram = importlib.import_module("incidents.migrations.0011_search_trigram")
    with connection.cursor() as cur:
        trigram.drop_indexes(cur)  # COPY into GIN-indexed tables is slow: build them afterwards
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
    statuses = list(Incident.Status.values)
    cols = (
        "reference, year, number, title, description, category, source, is_drill, status, grade, "
        "discovered_at, cii_involved, counterparty_name, summary, assignee_id, team_id, "
        "created_by_id, created_at, updated_at, cause_unknown"
    )
    with connection.cursor() as cur:
        raw = cur.connection
        with raw.cursor() as c, c.copy(f"COPY incidents_incident ({cols}) FROM STDIN") as copy:
            for i in range(1, n_incidents + 1):
                h = handlers[i % len(handlers)]
                system, event = rnd.choice(SYSTEMS), rnd.choice(EVENTS)
                at = now - timedelta(minutes=i * 5)
                copy.write_row(
                    (
                        f"SJAQ-{year}-{i:06d}",
                        year,
                        i,
                        f"{system}{event}",
                        f"{system}于{at:%m月%d日}发现{event}，涉及主机 host-{rnd.randrange(10**6):06d}，"
                        f"来源地址 10.{rnd.randrange(256)}.{rnd.randrange(256)}.{rnd.randrange(256)}。",
                        categories[i % len(categories)],
                        "internal",
                        False,
                        statuses[rnd.randrange(len(statuses))],
                        "",
                        at,
                        False,
                        "",
                        "",
                        h.pk,
                        h.department_id,
                        h.pk,
                        at,
                        at,
                        False,
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
                        lo + rnd.randrange(hi - lo + 1),
                        base + timedelta(seconds=j * 30),
                        handlers[j % len(handlers)].pk,
                        kinds[j % 4],
                        f"{rnd.choice(ACTIONS)}，{rnd.choice(SYSTEMS)}，工单 WO-{rnd.randrange(10**7):07d}",
                    )
                )
        print(f"seed: rows in {time.monotonic() - started:.1f}s", file=sys.stderr)
        trigram.create_indexes(cur)
        cur.execute("ANALYZE incidents_incident")
        cur.execute("ANALYZE incidents_timelineentry")
    ReferenceCounter.objects.update_or_create(year=year, defaults={"last_number": n_incidents})
    print(f"seed: done in {time.monotonic() - started:.1f}s", file=sys.stderr)


def queries(n_incidents):
    rnd = random.Random(7)
    return {
        "reference_exact": lambda: f"SJAQ-2025-{rnd.randrange(1, n_incidents + 1):06d}",
        "reference_part": lambda: f"2025-{rnd.randrange(1, n_incidents + 1):06d}"[:-1],
        "word_common": lambda: rnd.choice(EVENTS),
        "word_rare": lambda: f"WO-{rnd.randrange(10**7):07d}",
        "host": lambda: f"host-{rnd.randrange(10**6):06d}",
        "two_chars": lambda: rnd.choice(["勒索", "泄露", "钓鱼", "篡改", "口令", "证书"]),
        "no_match": lambda: rnd.choice(["量子纠缠", "火星基地", "无此内容"]),
    }


def measure(runs, n_incidents):
    from django.test import Client

    from accounts.models import User

    kinds = queries(n_incidents)
    results = {}
    for who in ("bench-officer", "bench-handler3"):
        client = Client()
        client.force_login(User.objects.get(username=who))
        client.get("/search/", {"q": "预热"})
        per_kind = {k: [] for k in kinds}
        for i in range(runs):
            kind = list(kinds)[i % len(kinds)]
            query = kinds[kind]()
            started = time.perf_counter()  # the client's own overhead is counted too
            response = client.get("/search/", {"q": query})
            per_kind[kind].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        every = [ms for values in per_kind.values() for ms in values]
        results[who] = {
            "p50_ms": pct(every, 50),
            "p95_ms": pct(every, 95),
            "max_ms": round(max(every), 2),
            "by_query": {
                k: {"p50_ms": pct(v, 50), "p95_ms": pct(v, 95)} for k, v in per_kind.items()
            },
        }
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
    import config.wsgi  # noqa: F401

    results = measure(args.runs, args.incidents)
    summary = {
        "incidents": args.incidents,
        "timeline": args.timeline,
        "runs": args.runs,
        "target_p95_ms": TARGET_P95_MS,
        **results,
        "met": all(r["p95_ms"] <= TARGET_P95_MS for r in results.values()),
    }
    print(json.dumps(summary, ensure_ascii=False))
    if not summary["met"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
