"""The classification and grading table: Excel in and out, a bad row refuses the whole import
and is named, versions record who approved the grading."""

import io

import openpyxl
import pytest

from core.errors import ApplicationError
from governance.models import CatalogueItem, CatalogueVersion
from governance.services import catalogue as catalogue_services

from .sharing_fixtures import HEADER, ROWS, workbook

pytestmark = pytest.mark.django_db


def test_import_then_approve(officer, officer2):
    version = catalogue_services.catalogue_import(
        actor=officer, content=workbook(ROWS), file_name="表.xlsx", title="2026"
    )
    assert version.state == CatalogueVersion.State.DRAFT
    assert version.items.count() == 4
    item = version.items.get(code="KH-001")
    assert (item.data_level, item.sharing_tier, item.data_type) == (4, "strict", "text")
    with pytest.raises(ApplicationError, match="cannot approve"):
        catalogue_services.catalogue_approve(actor=officer, version=version)
    catalogue_services.catalogue_approve(actor=officer2, version=version, comment="同意定级")
    version.refresh_from_db()
    assert version.state == CatalogueVersion.State.IN_FORCE
    assert version.approved_by == officer2


def test_a_bad_row_refuses_the_whole_import_and_is_named(officer):
    rows = [
        *ROWS,
        ["KH-009", "客户手机号", "Mobile", "手机号", "文本", "", "客户", "", "5", "受限"],
        ["JY-001", "重复", "", "重复编码", "文本", "", "交易", "", "2", "内部"],
        ["ZZ-001", "", "", "", "代码", "", "其他", "", "极高", "公开"],
    ]
    with pytest.raises(ApplicationError) as caught:
        catalogue_services.catalogue_import(
            actor=officer, content=workbook(rows), file_name="坏.xlsx", title="坏表"
        )
    message = caught.value.message
    assert "Row 6 (KH-009)" in message and "“5” is not 1–4" in message
    assert "Row 7 (JY-001)" in message and "already appears in row 2" in message
    assert "Row 8 (ZZ-001)" in message
    assert "code values" in message and "cannot be shared publicly" in message
    assert len(caught.value.extra["rows"]) == 3
    assert not CatalogueVersion.objects.exists()
    assert not CatalogueItem.objects.exists()


def test_missing_column_is_named(officer):
    header = [h for h in HEADER if h != "级别"]
    rows = [r[:8] + r[9:] for r in ROWS]
    with pytest.raises(ApplicationError, match="级别"):
        catalogue_services.catalogue_import(
            actor=officer, content=workbook(rows, header), file_name="x.xlsx", title="x"
        )


def test_not_an_excel_file(officer):
    with pytest.raises(ApplicationError, match="not an Excel"):
        catalogue_services.catalogue_import(
            actor=officer, content=b"%PDF-1.4", file_name="x.pdf", title="x"
        )


def test_only_officers_import(handler):
    with pytest.raises(ApplicationError):
        catalogue_services.catalogue_import(
            actor=handler, content=workbook(ROWS), file_name="x.xlsx", title="x"
        )


def test_export_reads_back_as_the_same_table(catalogue, officer):
    from governance.catalogue_io import catalogue_xlsx

    version = CatalogueVersion.objects.get()
    content = catalogue_xlsx(version)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    again = catalogue_services.catalogue_import(
        actor=officer, content=content, file_name="导出.xlsx", title="再导入"
    )
    assert sorted(again.items.values_list("code", "data_level", "sharing_tier")) == sorted(
        version.items.values_list("code", "data_level", "sharing_tier")
    )
