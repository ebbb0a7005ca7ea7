"""manage.py inspection_pack --start 2026-01-01 --end 2026-12-31 [--out DIR]

Writes the inspection pack for the period: 检查材料_<start>_<end>.docx and .xlsx (same figures)."""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit.context import Channel, channel
from reporting.inspection import documents, figures


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {value}") from exc


class Command(BaseCommand):
    help = "Produce the inspection pack (DOCX with charts, and XLSX) for a period."

    def add_arguments(self, parser):
        year = timezone.localdate().year
        parser.add_argument("--start", default=f"{year}-01-01")
        parser.add_argument("--end", default=f"{year}-12-31")
        parser.add_argument("--out", default=".")

    def handle(self, *args, start, end, out, **options):
        start_on, end_on = _date(start), _date(end)
        if end_on < start_on:
            raise CommandError("--end is before --start")
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        with channel(Channel.COMMAND):
            data = figures.collect(start_on, end_on)
            stem = f"inspection-pack_{start_on}_{end_on}"
            docx_path = folder / f"{stem}.docx"
            xlsx_path = folder / f"{stem}.xlsx"
            docx_path.write_bytes(documents.build_docx(data))
            xlsx_path.write_bytes(documents.build_xlsx(data))
        for line in documents.summary_lines(data):
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"{docx_path}\n{xlsx_path}"))
