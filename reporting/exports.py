"""Excel export of the reporting metrics for the annual review (core.exports, openpyxl)."""

import io

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.styles import Font

from core.exports import append_row, new_workbook


def metrics_workbook(rows: list[dict], *, title: str) -> bytes:
    with translation.override("zh-hans"):
        wb = new_workbook()
        ws = wb.create_sheet(_("Reporting metrics")[:31])
        append_row(ws, [title], font=Font(bold=True, size=13))
        header = [
            _("Quarter"),
            _("Recipient"),
            _("Due"),
            _("On time"),
            _("Late"),
            _("of which not yet submitted"),
            _("Not yet due"),
            _("On-time rate"),
        ]
        append_row(ws, header, font=Font(bold=True))
        for row in rows:
            done = row["on_time"] + row["late"]
            rate = row["on_time"] / done if done else None
            append_row(
                ws,
                [
                    row["quarter"],
                    str(row["recipient_label"]),
                    row["due"],
                    row["on_time"],
                    row["late"],
                    row["overdue"],
                    row["pending"],
                    rate,
                ],
            )
            ws.cell(row=ws.max_row, column=8).number_format = "0.0%"
        for column, width in zip("ABCDEFGH", (10, 24, 8, 8, 8, 14, 10, 10), strict=True):
            ws.column_dimensions[column].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
