"""Excel export of the reporting metrics for the annual review (openpyxl)."""

import io

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font


def metrics_workbook(rows: list[dict], *, title: str) -> bytes:
    with translation.override("zh-hans"):
        wb = Workbook()
        ws = wb.active
        ws.title = _("Reporting metrics")[:31]
        ws.append([title])
        ws["A1"].font = Font(bold=True, size=13)
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
        ws.append(header)
        for cell in ws[2]:
            cell.font = Font(bold=True)
        for row in rows:
            done = row["on_time"] + row["late"]
            rate = row["on_time"] / done if done else None
            ws.append(
                [
                    row["quarter"],
                    str(row["recipient_label"]),
                    row["due"],
                    row["on_time"],
                    row["late"],
                    row["overdue"],
                    row["pending"],
                    rate,
                ]
            )
            ws.cell(row=ws.max_row, column=8).number_format = "0.0%"
        for column, width in zip("ABCDEFGH", (10, 24, 8, 8, 8, 14, 10, 10), strict=True):
            ws.column_dimensions[column].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
