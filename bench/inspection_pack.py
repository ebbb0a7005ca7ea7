"""How long the inspection pack takes to render for a year of demo data (issue 20: ≤ 10 s).

  DATABASE_URL=postgres://postgres@127.0.0.1:5432/ir_<you> .venv/bin/python bench/inspection_pack.py \
      [--days 365] [--runs 3]

Seeds the demo firm first when the database has none (seed_demo), then times, per run: the
figures (every query), the DOCX with its charts and the XLSX. The last line is one JSON object.
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

import datetime  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from incidents.models import Incident  # noqa: E402
from reporting.inspection import documents, figures  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=365, help="length of the period (days)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not Incident.objects.exists():
        call_command("seed_demo", verbosity=0)
    end = timezone.localdate()
    start = end - datetime.timedelta(days=args.days - 1)
    totals, parts = [], []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        data = figures.collect(start, end)
        t1 = time.perf_counter()
        docx = documents.build_docx(data)
        t2 = time.perf_counter()
        xlsx = documents.build_xlsx(data)
        t3 = time.perf_counter()
        totals.append(t3 - t0)
        parts.append((t1 - t0, t2 - t1, t3 - t2))
    best = min(range(len(totals)), key=totals.__getitem__)
    result = {
        "bench": "inspection_pack",
        "period_days": args.days,
        "runs": args.runs,
        "incidents": data["incidents"]["count"],
        "reports": len(data["reports"]),
        "audit_head_id": data["audit"]["head_id"],
        "seconds_median": round(statistics.median(totals), 3),
        "seconds_max": round(max(totals), 3),
        "figures_s": round(parts[best][0], 3),
        "docx_s": round(parts[best][1], 3),
        "xlsx_s": round(parts[best][2], 3),
        "docx_bytes": len(docx),
        "xlsx_bytes": len(xlsx),
        "within_10s": max(totals) <= 10,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
