"""Issue 21.6 in Debian's Chromium: a compliance officer opens "导入历史案件" from the sidebar,
downloads the template, checks a workbook with mistakes (every bad row and column named, nothing
written), checks the corrected one, confirms, and follows an imported case to its page.
Screenshots: import-template-page, import-dry-run-problems, import-dry-run-clean, import-result."""

import io

import pytest
from openpyxl import load_workbook

from incidents.models import Incident
from reporting.importer import COLUMNS
from tests.reporting.test_importer import GOOD, workbook

from .conftest import journey, shoot, sign_in

pytestmark = [pytest.mark.browser, journey]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MISTAKES = [
    GOOD[0],
    ["", "不存在的类别", "", "V", "昨天", "2023-01-01", "2023-01-02", "x", *[""] * 8],
    [*GOOD[1][:4], "2022-05-04", "2022-05-03 08:00", "2022-06-01", *GOOD[1][7:]],
]


def _upload(page, name, rows):
    page.set_input_files(
        "#id_workbook",
        files=[{"name": name, "mimeType": XLSX, "buffer": workbook(rows).getvalue()}],
    )
    page.get_by_role("button", name="检查（试运行）").click()
    page.wait_for_load_state()


def test_officer_checks_then_imports_past_cases(page, officer):
    sign_in(page, officer.username)
    page.get_by_role("link", name="导入历史案件").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/reporting/import/")
    assert page.locator("h1").inner_text() == "导入历史案件"
    with page.expect_download() as download:
        page.get_by_role("link", name="下载模板").click()
    assert download.value.suggested_filename == "历史案件导入模板.xlsx"
    template = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert template.sheetnames == ["历史案件", "填写说明"]
    assert [c.value for c in template.worksheets[0][1]] == list(COLUMNS)
    shoot(page, "import-template-page")

    _upload(page, "历史案件-有误.xlsx", MISTAKES)
    problems = page.locator("#import-problems tbody tr")
    assert problems.count() == 5
    text = page.locator("#import-problems").inner_text()
    assert "第 3 行" in text and "第 4 行" in text and "第 2 行" not in text
    assert "无法识别的类别“不存在的类别”" in text
    assert page.get_by_role("button", name="确认导入").count() == 0
    shoot(page, "import-dry-run-problems")
    assert not Incident.objects.exists()

    _upload(page, "历史案件.xlsx", GOOD)
    assert "全部 2 行均有效" in page.inner_text("main")
    shoot(page, "import-dry-run-clean")
    assert not Incident.objects.exists()

    page.get_by_role("button", name="确认导入").click()
    page.wait_for_load_state()
    assert page.url.endswith("/reporting/import/done/")
    links = page.locator("#imported-cases a")
    assert links.count() == 2
    assert "已从 历史案件.xlsx 导入 2 个历史案件" in page.inner_text("main")
    shoot(page, "import-result")

    reference = links.first.inner_text()
    links.first.click()
    page.wait_for_load_state()
    assert reference in page.inner_text("main")
    assert Incident.objects.filter(status=Incident.Status.CLOSED).count() == 2
