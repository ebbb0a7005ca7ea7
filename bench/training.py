"""Benchmark: generate training assignments for N staff × M courses on PostgreSQL.

    .venv/bin/python bench/training.py [--staff 10000] [--courses 20] [--database-url URL]

Uses its own database (dropped and recreated on every run, default ir_bench_train), migrates
it, creates the staff (5 departments, 5 job roles) and next year's approved plan with M courses
for all staff, publishes them, then times `assignments_generate` (the body of the Celery task)
for every course: first run (everything created), second run (idempotence: nothing created).
It also times the deadline-engine reminders for a sample of assignments (they are scheduled
30 days before each due date by the periodic sweep, not at generation time).
The last line printed is one JSON object with the figures.
"""

import argparse
import json
import os
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=10_000)
    parser.add_argument("--courses", type=int, default=20)
    parser.add_argument("--reminder-sample", type=int, default=2_000)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ir_bench_train"
        ),
    )
    args = parser.parse_args()

    recreate_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    import datetime as dt

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from accounts.models import Department, JobRole, User
    from accounts.roles import Role, assign_role
    from training import reminders, services
    from training.models import Topic, TrainingAssignment

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_s = time.perf_counter() - started

    depts = [Department.objects.create(name=f"部门{i}", code=f"dept-{i}") for i in range(5)]
    roles = [JobRole.objects.create(name=f"岗位{i}", code=f"role-{i}") for i in range(5)]
    officer = User.objects.create_user("bench-officer", password=None)
    assign_role(officer, Role.COMPLIANCE_OFFICER)
    t0 = time.perf_counter()
    User.objects.bulk_create(
        [
            User(
                username=f"staff{i:06d}",
                display_name=f"员工{i}",
                department=depts[i % 5],
                job_role=roles[i % 5],
                manager=officer,
                password="!",
            )
            for i in range(args.staff)
        ],
        batch_size=5_000,
    )
    users_s = time.perf_counter() - t0

    year = timezone.localdate().year + 1  # next year's plan: due dates spread over the year
    plan = services.plan_create(year=year, title=f"{year} bench plan", actor=officer)
    courses = []
    for i in range(args.courses):
        due = dt.date(year, 1, 31) + dt.timedelta(days=(i * 330) // max(args.courses, 1))
        courses.append(
            services.course_create(
                plan=plan,
                title=f"课程 {i + 1}",
                topics=Topic.values,
                due_date=due,
                audience_all=True,
                actor=officer,
            )
        )
    services.plan_approve(plan=plan, actor=officer)
    for c in courses:
        services.course_publish(course=c, actor=officer, enqueue=False)

    def run():
        t = time.perf_counter()
        created = sum(services.assignments_generate(course=c) for c in courses)
        return created, time.perf_counter() - t

    created_first, first_s = run()
    created_second, second_s = run()
    total = TrainingAssignment.objects.count()

    # Reminders: schedule a sample on the deadline engine (what the sweep does 30 days ahead).
    sample_ids = list(
        TrainingAssignment.objects.order_by("pk").values_list("pk", flat=True)[
            : args.reminder_sample
        ]
    )
    from django.db import transaction

    t = time.perf_counter()
    scheduled = 0
    for start in range(0, len(sample_ids), reminders.SWEEP_BATCH):
        with transaction.atomic():
            scheduled += reminders._schedule(sample_ids[start : start + reminders.SWEEP_BATCH])
    reminders_s = time.perf_counter() - t

    with connection.cursor() as cur:
        cur.execute("SELECT version()")
        pg_version = cur.fetchone()[0].split(",")[0]

    # Courses are for all staff: the officer who runs the plan is staff too.
    expected = User.objects.filter(is_active=True).count() * args.courses
    result = {
        "bench": "training.assignments_generate",
        "database": pg_version,
        "staff": args.staff,
        "courses": args.courses,
        "expected_assignments": expected,
        "assignments": total,
        "first_run_created": created_first,
        "first_run_s": round(first_s, 2),
        "rows_per_s": round(created_first / first_s) if first_s else None,
        "second_run_created": created_second,
        "second_run_s": round(second_s, 2),
        "target_s": 20,
        "within_target": first_s <= 20,
        "reminders_scheduled": scheduled,
        "reminders_s": round(reminders_s, 2),
        "reminders_per_s": round(scheduled / reminders_s) if reminders_s else None,
        "setup_users_s": round(users_s, 2),
        "migrate_s": round(migrate_s, 2),
        "correct": total == expected and created_first == expected and created_second == 0,
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
