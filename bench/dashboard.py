"""Benchmark: the compliance dashboard's server time over five years of governance data.

    .venv/bin/python bench/dashboard.py [--requests 60] [--database-url URL]

Uses its own PostgreSQL database (dropped and recreated on every run, default ir_bench_dash),
migrates it and seeds five years: 300 counterparties, 1,500 agreements, 20 quarterly + 5 annual
held meetings (two quarters left without one) and 400 other meetings with attendees, 3,000 action
items, 60,000 sharing registrations with their log entries, contact roles, and obligation periods
evaluated by the real service. Then it requests /governance/ as a compliance officer through
Django's test client (the whole view: middleware, selectors, template, SVG) and reports p50/p95.
The last line printed is one JSON object with the figures.
"""

import argparse
import json
import os
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


def seed(years: int = 5) -> dict:
    import datetime as dt
    import random

    from django.utils import timezone

    from accounts import policy
    from accounts.models import Department, User
    from accounts.roles import Role, assign_role
    from governance import services
    from governance.models import (
        ActionItem,
        ContactRole,
        CooperationAgreement,
        Counterparty,
        Meeting,
        MeetingAttendee,
        Obligation,
        SharingLogEntry,
        SharingRegistration,
    )
    from governance.validators import ALPHABET, credit_code_check_char, organisation_code_check_char

    rng = random.Random(7)
    today = timezone.localdate()
    first_year = today.year - years + 1
    start = dt.date(first_year, 1, 1)

    authority = Department.objects.create(name="信息技术部", code="it", kind="data_authority")
    officer = User.objects.create_user("officer", display_name="王合规", department=authority)
    assign_role(officer, Role.COMPLIANCE_OFFICER)
    approver = User.objects.create_user("officer2", display_name="赵审核", department=authority)
    assign_role(approver, Role.COMPLIANCE_OFFICER)
    staff = [
        User.objects.create_user(f"user{i}", display_name=f"员工{i}", department=authority)
        for i in range(60)
    ]
    for u in staff[:10]:
        assign_role(u, Role.INCIDENT_HANDLER)

    def credit_code(n):
        body = f"{n:08d}"
        first17 = "914403" + "00" + body + organisation_code_check_char(body)
        return first17 + credit_code_check_char(first17)

    assert all(ch in ALPHABET for ch in credit_code(1))
    cps = Counterparty.objects.bulk_create(
        [
            Counterparty(kind="operating", name=f"机构{i:04d}", credit_code=credit_code(10000 + i))
            for i in range(300)
        ]
    )
    now = timezone.now()
    agreements = []
    for i in range(1500):
        begins = start + dt.timedelta(days=rng.randrange(0, 365 * years))
        agreements.append(
            CooperationAgreement(
                reference=f"XY-B-{i:05d}",
                title=f"共享协议 {i}",
                counterparty=cps[i % len(cps)],
                scope="external",
                firm_role="provider",
                counterparty_role="recipient",
                data_categories="客户信息",
                permissions="只读",
                firm_responsibilities="提供",
                counterparty_responsibilities="使用",
                starts_on=begins,
                ends_on=begins + dt.timedelta(days=rng.choice([180, 365, 730])),
                max_data_level=rng.randint(1, 4),
                max_sharing_tier=rng.choice(["public", "internal", "restricted", "strict"]),
                owner=rng.choice(staff),
                approval_state="approved",
                approved_by=officer,
                approved_at=now,
                document_sha256="0" * 64,
            )
        )
    agreements = CooperationAgreement.objects.bulk_create(agreements, batch_size=1000)

    regs, logs = [], []
    for i in range(60_000):
        a = agreements[i % len(agreements)]
        regs.append(
            SharingRegistration(
                reference=f"GX-B-{i:06d}",
                counterparty_id=a.counterparty_id,
                agreement=a,
                dataset=f"数据集{i % 500}",
                purpose="监测",
                data_level=1,
                sharing_tier="public",
                planned_on=a.starts_on,
                state="approved",
                requested_by=staff[i % len(staff)],
                approved_at=now,
            )
        )
    regs = SharingRegistration.objects.bulk_create(regs, batch_size=5000)
    for r in regs:
        logs.append(
            SharingLogEntry(
                registration=r,
                counterparty_id=r.counterparty_id,
                counterparty_name="机构",
                agreement_reference="XY",
                dataset=r.dataset,
                purpose=r.purpose,
                data_level=1,
                sharing_tier="public",
                planned_on=r.planned_on,
                requested_by="user",
                approved_by="",
                authority_approved_by="",
            )
        )
    SharingLogEntry.objects.bulk_create(logs, batch_size=5000)

    def aware(day, hour=14):
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 30)))

    meetings = []
    skipped = {(first_year + 1, 3), (first_year + 3, 2)}  # two quarters without a meeting
    for year in range(first_year, today.year + 1):
        for q in range(1, 5):
            day = dt.date(year, q * 3, 15)
            if day >= today or (year, q) in skipped:
                continue
            meetings.append(
                Meeting(
                    kind="quarterly_security",
                    title=f"数据安全工作会议 {year}-Q{q}",
                    scheduled_at=aware(day),
                    held_at=aware(day),
                    state="held",
                    organiser=officer,
                    minutes="<p>纪要</p>",
                    minutes_approved_at=aware(day),
                )
            )
        review = dt.date(year, 11, 20)
        if review < today:
            meetings.append(
                Meeting(
                    kind="annual_review",
                    title=f"流程标准执行会议 {year}",
                    scheduled_at=aware(review),
                    held_at=aware(review),
                    state="held",
                    organiser=officer,
                )
            )
    for i in range(400):
        day = start + dt.timedelta(days=rng.randrange(0, (today - start).days))
        meetings.append(
            Meeting(
                kind="other",
                title=f"专题会议 {i}",
                scheduled_at=aware(day),
                state="held",
                held_at=aware(day),
                organiser=officer,
            )
        )
    meetings = Meeting.objects.bulk_create(meetings)
    MeetingAttendee.objects.bulk_create(
        [
            MeetingAttendee(meeting=m, user=u, attendance="present")
            for m in meetings
            for u in rng.sample(staff, 6)
        ]
    )
    ActionItem.objects.bulk_create(
        [
            ActionItem(
                meeting=meetings[i % len(meetings)],
                title=f"待办 {i}",
                owner=staff[i % len(staff)],
                due_on=start + dt.timedelta(days=rng.randrange(0, 365 * years + 60)),
                done_at=None if i % 4 == 0 else now,
            )
            for i in range(3000)
        ]
    )
    services.contact_role_assign(
        role=ContactRole.COMPLIANCE_HEAD,
        holder=officer,
        deputy=approver,
        valid_from=start,
        actor=policy.SYSTEM,  # the bench seeds for nobody
    )
    Obligation.objects.update(tracked_from=start)
    started = time.perf_counter()
    counts = services.obligations_evaluate(today=today)
    return {"evaluate_s": round(time.perf_counter() - started, 2), "periods": counts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ir_bench_dash"
        ),
    )
    args = parser.parse_args()

    recreate_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    seeded = seed()
    seed_s = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    client = Client()
    client.force_login(User.objects.get(username="officer"))
    years = sorted(
        {
            int(y)
            for y in range(
                django.utils.timezone.localdate().year - 4,
                django.utils.timezone.localdate().year + 1,
            )
        }
    )
    for _ in range(5):  # warm-up: connections, template loading
        assert client.get("/governance/").status_code == 200
    timings = []
    for i in range(args.requests):
        year = years[i % len(years)]
        t0 = time.perf_counter()
        response = client.get(f"/governance/?year={year}")
        timings.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get("/governance/")
    timings.sort()
    p95 = timings[max(0, int(round(0.95 * len(timings))) - 1)]
    result = {
        "dashboard_p50_ms": round(statistics.median(timings), 1),
        "dashboard_p95_ms": round(p95, 1),
        "dashboard_max_ms": round(timings[-1], 1),
        "requests": len(timings),
        "queries_per_request": len(queries),
        "seed_s": round(seed_s, 1),
        "obligations_evaluate_s": seeded["evaluate_s"],
        "periods": seeded["periods"],
        "target_p95_ms": 200,
    }
    print(f"dashboard over 5 years: p50 {result['dashboard_p50_ms']} ms, p95 {p95:.1f} ms")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
