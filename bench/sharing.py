"""Benchmark: the ledger of real transfers — signed intake with reconciliation, and the ledger page.

    .venv/bin/python bench/sharing.py [--events 1000000] [--batch 600] [--requests 60]
                                      [--mismatch-every 20] [--database-url URL]

Uses its own PostgreSQL database (dropped and recreated on every run, default
ir_bench_sharing), migrates it and seeds a graded catalogue, an approved agreement and 20
approved sharing requests. Then it posts `--events` transfer and interface-call events through
the real intake service (`ledger_receive`: HMAC verification as the alert intake, parsing,
reconciliation against the requests, hash chain, daily usage sums; every `--mismatch-every`-th
batch carries an unregistered and a plaintext event, so alerts, triage deadlines and notices to
the data-authority department are part of the figure), in signed batches of `--batch` events.
Then it requests /governance/ledger/ as a compliance officer (first page, older pages by keyset,
mismatches only, one request's events) through Django's test client and reports p50/p95.
Targets (issue 19): at least 2,000 events/s through the intake and the ledger page's p95 at most
100 ms (exit status 1 otherwise). The last line printed is one JSON object with the figures.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def recreate_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def seed() -> dict:
    import datetime as dt
    import io

    import openpyxl
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from accounts.models import Department, User
    from accounts.roles import Role, assign_role
    from governance import services
    from governance.models import CatalogueItem, Counterparty, ExchangeSystem
    from governance.services import catalogue as catalogue_services
    from governance.services import sharing_gate

    authority = Department.objects.create(name="信息技术部", code="it", kind="data_authority")
    using = Department.objects.create(name="经纪业务部", code="brokerage", kind="data_using")
    officer = User.objects.create_user("officer", display_name="王合规", department=authority)
    assign_role(officer, Role.COMPLIANCE_OFFICER)
    officer2 = User.objects.create_user("officer2", display_name="赵审核", department=authority)
    assign_role(officer2, Role.COMPLIANCE_OFFICER)
    handler = User.objects.create_user("handler", display_name="李处置", department=authority)
    assign_role(handler, Role.INCIDENT_HANDLER)
    requester = User.objects.create_user("requester", display_name="周申请", department=using)
    assign_role(requester, Role.INCIDENT_HANDLER)

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(
        [
            "编码",
            "中文名称",
            "英文名称",
            "定义",
            "数据类型",
            "代码值",
            "业务类别",
            "监管属性",
            "级别",
            "共享层级",
        ]
    )
    for n in range(40):
        ws.append(
            [
                f"JY-{n:03d}",
                f"交易数据项{n}",
                f"Trade item {n}",
                "定义",
                "文本",
                "",
                "交易",
                "",
                2,
                "内部",
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    version = catalogue_services.catalogue_import(
        actor=officer, content=out.getvalue(), file_name="bench.xlsx", title="bench"
    )
    catalogue_services.catalogue_approve(actor=officer2, version=version)
    items = list(CatalogueItem.objects.filter(version=version).order_by("code"))

    counterparty = services.counterparty_create(
        actor=officer,
        kind=Counterparty.Kind.OPERATING,
        name="中信证券股份有限公司",
        credit_code="914403001017814402",
    )
    today = timezone.localdate()
    agreement = services.agreement_create(
        actor=officer,
        document=ContentFile(b"%PDF-1.4\nsigned", name="signed.pdf"),
        title="数据共享协议",
        counterparty=counterparty,
        scope="external",
        firm_role="provider",
        counterparty_role="recipient",
        data_categories="交易",
        permissions="只读",
        firm_responsibilities="提供",
        counterparty_responsibilities="使用",
        starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=700),
        max_data_level=3,
        max_sharing_tier="restricted",
        owner=officer,
    )
    services.agreement_submit(agreement=agreement, actor=officer)
    services.agreement_approve(agreement=agreement, actor=officer2)
    requests = []
    for n in range(20):
        request = sharing_gate.sharing_request_create(
            actor=requester,
            agreement=agreement,
            items=items[2 * n : 2 * n + 2],
            area="controlled",
            method="api",
            channel=f"接口 /v1/{n}",
            record_count=10**12,
            purpose="监测",
            post_share_duties="不得转授",
            valid_from=today - dt.timedelta(days=1),
            valid_until=today + dt.timedelta(days=600),
        )
        # A bulk grant (above the level-2 threshold): assessed, then data authority and compliance.
        sharing_gate.sharing_request_assess(
            actor=handler,
            request=request,
            purpose="监测",
            scope="交易数据",
            method="专线接口",
            duties="不得转授",
            conclusion="同意",
        )
        sharing_gate.sharing_request_decide(actor=handler, request=request, approve=True)
        sharing_gate.sharing_request_decide(actor=officer2, request=request, approve=True)
        request.refresh_from_db()
        assert request.state == "approved", request.state
        requests.append(request)
    system = ExchangeSystem.objects.create(
        name="数据交换平台", slug="exchange", secret="bench-secret"
    )
    return {
        "requests": [(r.reference, [i.code for i in r.items.all()]) for r in requests],
        "system": system,
    }


def backend_cpu_s(connection) -> float:
    """CPU seconds the PostgreSQL backend serving this connection has used (same machine)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bodies(total: int, batch: int, requests, mismatch_every: int, rng):
    import datetime as dt

    from django.utils import timezone

    now = timezone.now()
    n = 0
    b = 0
    while n < total:
        events = []
        for _ in range(min(batch, total - n)):
            reference, codes = requests[n % len(requests)]
            events.append(
                {
                    "id": f"e{n}",
                    "kind": "api_call",
                    # Spread over the last 20 hours: inside every request's approved period.
                    "occurred_at": (
                        now - dt.timedelta(seconds=72_000 * (total - n) / total)
                    ).isoformat(),
                    "actor": f"svc-{n % 7}",
                    "request": reference,
                    "items": codes,
                    "records": rng.randint(1, 500),
                    "bytes": rng.randint(100, 200_000),
                    "checksum": "",
                    "channel": "接口",
                    "encrypted": True,
                }
            )
            n += 1
        if mismatch_every and b % mismatch_every == 0 and len(events) >= 2:
            events[0]["request"] = ""  # unregistered
            events[1]["encrypted"] = False  # plaintext where forbidden
        b += 1
        yield json.dumps({"events": events}, ensure_ascii=False).encode()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=600)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--mismatch-every", type=int, default=20)
    parser.add_argument(
        "--pages-only",
        action="store_true",
        help="Keep the database of an earlier run and measure the ledger page only.",
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ir_bench_sharing"
        ),
    )
    args = parser.parse_args()

    if not args.pages_only:
        recreate_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from governance.models import LedgerEvent

    rng = random.Random(19)
    if args.pages_only:
        ingest_s = ingest_cpu_s = 0.0
    else:
        call_command("migrate", verbosity=0)
        ingest_s, ingest_cpu_s = ingest(args, seed(), rng, connection)
    events = LedgerEvent.objects.count()
    mismatched = LedgerEvent.objects.filter(is_mismatch=True).count()
    if not args.pages_only:
        assert events == args.events, (events, args.events)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    pages(args, rng, connection, events, mismatched, ingest_s, ingest_cpu_s)


def ingest(args, seeded, rng, connection):
    from governance.services import ledger as ledger_services
    from integrations.intake import compute_signature

    system = seeded["system"]
    batches = 0
    cpu0, db0 = time.process_time(), backend_cpu_s(connection)
    started = time.perf_counter()
    last_report = started
    for body in bodies(args.events, args.batch, seeded["requests"], args.mismatch_every, rng):
        timestamp = str(int(time.time()))
        ledger_services.ledger_receive(
            system_slug=system.slug,
            body=body,
            timestamp=timestamp,
            signature=compute_signature(system.secret, timestamp, body),
        )
        batches += 1
        if time.perf_counter() - last_report > 30:
            last_report = time.perf_counter()
            done = batches * args.batch
            print(f"  {done} events, {done / (last_report - started):.0f}/s", flush=True)
    ingest_s = time.perf_counter() - started
    ingest_cpu_s = (time.process_time() - cpu0) + (backend_cpu_s(connection) - db0)
    return ingest_s, ingest_cpu_s


def pages(args, rng, connection, events, mismatched, ingest_s, ingest_cpu_s):
    from django.test import Client

    from accounts.models import User
    from governance.models import LedgerEvent, SharingRequest
    from integrations.models import Alert

    client = Client()
    client.force_login(User.objects.get(username="officer"))
    for _ in range(5):
        assert client.get("/governance/ledger/").status_code == 200
    top = LedgerEvent.objects.order_by("-id").values_list("id", flat=True).first()
    request_pk = SharingRequest.objects.order_by("pk").values_list("pk", flat=True).first()
    urls = []
    for i in range(args.requests):
        kind = i % 4
        if kind == 0:
            urls.append("/governance/ledger/")
        elif kind == 1:
            urls.append(f"/governance/ledger/?before={rng.randint(1, top)}")
        elif kind == 2:
            urls.append("/governance/ledger/?mismatch=1")
        else:
            urls.append(f"/governance/ledger/?request={request_pk}&before={rng.randint(1, top)}")
    timings, cpu_timings = [], []
    for url in urls:
        c0, d0 = time.process_time(), backend_cpu_s(connection)
        t0 = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - t0) * 1000)
        cpu_timings.append((time.process_time() - c0 + backend_cpu_s(connection) - d0) * 1000)
        assert response.status_code == 200, url
    timings.sort()
    cpu_timings.sort()
    p95 = timings[max(0, int(round(0.95 * len(timings))) - 1)]
    cpu_p95 = cpu_timings[max(0, int(round(0.95 * len(cpu_timings))) - 1)]
    result = {
        "events": events,
        "batch": args.batch,
        "ingest_s": round(ingest_s, 1),
        "events_per_s": round(events / ingest_s, 1) if ingest_s else None,
        # CPU seconds of this process and of its PostgreSQL backend: what the work costs
        # without the other processes on a loaded machine (wall-clock figures above include them).
        "ingest_cpu_s": round(ingest_cpu_s, 1),
        "events_per_cpu_s": round(events / ingest_cpu_s, 1) if ingest_cpu_s else None,
        "mismatched_events": mismatched,
        "alerts": Alert.objects.count(),
        "ledger_page_p50_ms": round(statistics.median(timings), 1),
        "ledger_page_p95_ms": round(p95, 1),
        "ledger_page_max_ms": round(timings[-1], 1),
        "ledger_page_cpu_p50_ms": round(statistics.median(cpu_timings), 1),
        "ledger_page_cpu_p95_ms": round(cpu_p95, 1),
        "load_average_1min": round(os.getloadavg()[0], 1),
        "page_requests": len(timings),
        "target_events_per_s": 2000,
        "target_p95_ms": 100,
        "cores": os.cpu_count(),
    }
    result["met"] = {
        "events_per_s": result["events_per_s"] >= result["target_events_per_s"],
        "ledger_page_p95": result["ledger_page_p95_ms"] <= result["target_p95_ms"],
    }
    print(
        f"ledger: {events} events in {ingest_s:.0f} s ({result['events_per_s']}/s); "
        f"page p50 {result['ledger_page_p50_ms']} ms, p95 {p95:.1f} ms"
    )
    print(json.dumps(result))
    return 0 if all(result["met"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
