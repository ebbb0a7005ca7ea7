"""Excel workbooks for every app's exports: sheets of (title, header, rows) → .xlsx bytes."""

import io

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def excel_cell(value):
    """Aware datetimes in Asia/Shanghai (Excel has no time zones), numbers and dates as such,
    everything else as text."""
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    if value is None:
        return ""
    if isinstance(value, int | float) or hasattr(value, "isoformat"):
        return value
    return str(value)


def xlsx_bytes(sheets: list[tuple[str, list, list[list]]]) -> bytes:
    """sheets: [(title, header, rows)]; bold header, columns sized to the header."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, header, rows in sheets:
        ws = wb.create_sheet(str(title)[:31])
        ws.append([str(h) for h in header])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append([excel_cell(v) for v in row])
        for i, h in enumerate(header, start=1):
            ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = max(
                12, min(50, len(str(h)) * 2 + 4)
            )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
