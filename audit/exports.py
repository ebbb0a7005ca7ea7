"""CSV and Excel exports of a filtered set of entries, read in chunks so a million rows fit."""

import json
import tempfile

from django.utils import timezone
from django.utils.translation import gettext as _

from core import exports

CHUNK = 2000
# Excel's sheet limit is 1,048,576 rows including the header.
XLSX_MAX_ROWS = 1_048_575


def headers() -> list[str]:
    return [
        _("Entry"),
        _("Time"),
        _("Actor id"),
        _("Actor"),
        _("Channel"),
        _("Action"),
        _("Record type"),
        _("Record id"),
        _("Record"),
        _("Changes"),
        _("Remote address"),
        _("Correlation id"),
        _("Entry hash"),
    ]


def rows(queryset):
    for e in queryset.iterator(chunk_size=CHUNK):
        yield [
            e.id,
            timezone.localtime(e.timestamp).strftime("%Y-%m-%d %H:%M:%S"),
            e.actor_id if e.actor_id is not None else "",
            e.actor_label,
            e.get_channel_display(),
            e.get_action_display(),
            f"{e.content_type.app_label}.{e.content_type.model}",
            e.object_pk,
            e.object_repr,
            json.dumps(e.changes, ensure_ascii=False, sort_keys=True) if e.changes else "",
            e.remote_addr or "",
            e.cid or "",
            e.entry_hash,
        ]


def csv_lines(queryset):
    """Lines of a UTF-8 CSV with a byte-order mark, through the one writer (core.exports: a
    cell that would run as a formula is written as text)."""
    return exports.csv_lines(headers(), rows(queryset))


def xlsx_file(queryset):
    """A temporary file holding the workbook (openpyxl's write-only mode keeps memory flat)."""
    workbook = exports.new_workbook(write_only=True)
    sheet = workbook.create_sheet(_("Audit log"))
    exports.append_row(sheet, headers())
    written = 0
    for row in rows(queryset):
        if written >= XLSX_MAX_ROWS - 1:
            exports.append_row(
                sheet, [_("Truncated: Excel holds at most a million rows; use the CSV export.")]
            )
            break
        exports.append_row(sheet, row)
        written += 1
    handle = tempfile.TemporaryFile()
    workbook.save(handle)
    handle.seek(0)
    return handle
