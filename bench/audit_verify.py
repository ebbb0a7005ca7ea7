"""How long verify_audit_log takes on a large log.

Run against a scratch database only (it refuses a non-empty log):
  createdb ir_bench && DATABASE_URL=postgres://postgres@127.0.0.1:5432/ir_bench \
    .venv/bin/python manage.py migrate -v0 && DATABASE_URL=... \
    .venv/bin/python bench/audit_verify.py --rows 1000000

Rows are chained in Python and inserted in batches with raw SQL (save() would take the chain
lock per row, which is what production does but not what this measures).
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

import json  # noqa: E402
from datetime import timedelta  # noqa: E402

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Department  # noqa: E402
from audit.chain import compute_hash, verify_chain  # noqa: E402
from audit.models import AuditEntry  # noqa: E402


def fill(rows: int, batch: int = 5000) -> None:
    ct = ContentType.objects.get_for_model(Department)
    start = timezone.now() - timedelta(days=365)
    prev = ""
    sql = (
        "INSERT INTO audit_auditentry (id, timestamp, actor_id, actor_email, content_type_id,"
        " object_pk, object_id, object_repr, action, changes, changes_text, serialized_data,"
        " additional_data, cid, remote_addr, remote_port, channel, prev_hash, entry_hash)"
        " VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)"
    )
    buffer = []
    for i in range(1, rows + 1):
        values = {
            "id": i,
            "timestamp": start + timedelta(seconds=i),
            "actor_id": i % 50 or None,
            "actor_email": f"user{i % 50}@example.com",
            "content_type_id": ct.id,
            "object_pk": str(i % 1000),
            "object_id": i % 1000,
            "object_repr": f"部门{i % 1000}",
            "action": i % 3,
            "changes": {"name": [f"旧名称{i}", f"新名称{i}"], "kind": ["other", "data_source"]},
            "changes_text": "",
            "serialized_data": None,
            "additional_data": None,
            "cid": None,
            "remote_addr": "10.0.0.1",
            "remote_port": None,
            "channel": "web",
            "prev_hash": prev,
        }
        prev = compute_hash(values)
        row = dict(values, changes=json.dumps(values["changes"], ensure_ascii=False))
        buffer.append([*row.values(), prev])
        if len(buffer) >= batch:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(sql, buffer)
            buffer.clear()
    if buffer:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, buffer)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args()
    if AuditEntry.objects.exists():
        sys.exit("The audit log is not empty: run this against a scratch database.")
    started = time.monotonic()
    fill(args.rows)
    print(f"filled {args.rows} rows in {time.monotonic() - started:.1f}s")
    started = time.monotonic()
    result = verify_chain(AuditEntry.objects.all())
    elapsed = time.monotonic() - started
    assert result.ok, result.broken
    print(f"verified {result.count} rows in {elapsed:.1f}s ({result.count / elapsed:,.0f} rows/s)")


if __name__ == "__main__":
    main()
