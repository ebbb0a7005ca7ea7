"""The import page for past cases (issue 21.6), as a compliance officer uses it: every upload is
a dry run first that names each bad row and column in Chinese and writes nothing; a clean file is
kept server-side and "确认导入" imports exactly that file (its SHA-256 compared); a different or
tampered file is refused; staff, handlers and auditors are refused by the policy; the template
carries the importer's own headers and imports cleanly once filled in."""

import hashlib
import io
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEntry
from core.errors import NotPermitted
from incidents.models import Incident
from reporting import importer
from reporting.importer import import_cases

from .test_importer import GOOD, HEADER, workbook

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BAD_CATEGORY = [
    "",
    "不存在的类别",
    "",
    "V",
    "昨天",
    "2023-01-01",
    "2023-01-02",
    "x",
    *[""] * 8,
]


@pytest.fixture(autouse=True)
def _chinese_and_private_dir(settings, tmp_path):
    settings.LANGUAGE_CODE = "zh-hans"
    settings.VAR_DIR = tmp_path / "var"


def staged_files(settings) -> list[Path]:
    folder = Path(settings.VAR_DIR) / "import-staging"
    return sorted(folder.iterdir()) if folder.exists() else []


def upload(rows=GOOD, header=HEADER, name="历史案件.xlsx", data=None):
    content = data if data is not None else workbook(rows, header=header).getvalue()
    return SimpleUploadedFile(name, content, content_type=XLSX)


def check(client, file):
    return client.post(reverse("reporting:import-check"), {"workbook": file})


def problems(html: str) -> list[tuple[str, str, str]]:
    table = re.search(r'<table[^>]*id="import-problems".*?</table>', html, re.S)
    assert table, "no table of problems on the page"
    rows = re.findall(r"<tr><td[^>]*>(.*?)</td><td[^>]*>(.*?)</td><td>(.*?)</td></tr>", table[0])
    return [tuple(cell.strip() for cell in row) for row in rows]


def checked_hash(html: str) -> str:
    match = re.search(r'name="sha256" value="([0-9a-f]{64})"', html)
    assert match, "no confirmation on the page"
    return match[1]


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_dry_run_names_every_bad_row_and_column_and_writes_nothing(officer, client_for, settings):
    client = client_for(officer)
    bad_time = [*GOOD[1][:4], "2022-05-04", "2022-05-03 08:00", "2022-06-01", *GOOD[1][7:]]
    response = check(client, upload([GOOD[0], BAD_CATEGORY, bad_time], name="bad.xlsx"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "bad.xlsx" in html and "3 行检查" in html and "1 行有效" in html and "2 行有问题" in html
    found = problems(html)
    assert ("第 3 行", "标题", "标题为空") in found
    assert ("第 3 行", "类别", "无法识别的类别“不存在的类别”") in found
    assert ("第 3 行", "级别", "无法识别的级别“V”") in found
    assert ("第 3 行", "发现时间", "“昨天”不是日期时间") in found
    order = "发现时间、处置完成时间、关闭时间"
    assert ("第 4 行", order, "时间须满足 发现 ≤ 处置完成 ≤ 关闭，且均不晚于现在") in found
    assert not any(row == "第 2 行" for row, _column, _reason in found)
    assert "确认导入" not in html and 'name="sha256"' not in html
    assert not Incident.objects.exists() and not staged_files(settings)


def test_clean_dry_run_then_confirm_imports_every_row_marked_as_imported(
    officer, client_for, department, settings
):
    client = client_for(officer)
    data = workbook(GOOD).getvalue()
    response = check(client, upload(data=data))
    html = response.content.decode()
    assert "2 行均有效" in html and "确认导入" in html
    assert checked_hash(html) == hashlib.sha256(data).hexdigest()
    assert not Incident.objects.exists()  # the dry run wrote nothing
    [kept] = staged_files(settings)
    assert kept.read_bytes() == data and kept.stat().st_mode & 0o077 == 0

    confirm = reverse("reporting:import-confirm")
    response = client.post(confirm, {"sha256": checked_hash(html)}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("reporting:import-result")
    assert "已从 历史案件.xlsx 导入 2 个历史案件" in messages_of(response)
    cases = Incident.objects.order_by("reference")
    assert cases.count() == 2 and {c.status for c in cases} == {Incident.Status.CLOSED}
    page = response.content.decode()
    for case in cases:
        assert f'<a href="{case.get_absolute_url()}">{case.reference}</a>' in page
        mark = AuditEntry.objects.get(object_pk=str(case.pk), additional_data__imported=True)
        assert mark.additional_data["workbook"] == "历史案件.xlsx"
    assert not staged_files(settings)

    # A second click on the same button imports nothing more.
    again = client.post(confirm, {"sha256": checked_hash(html)}, follow=True)
    assert "没有等待确认的已检查工作簿" in messages_of(again)
    assert Incident.objects.count() == 2


def test_a_different_or_tampered_file_at_confirm_is_refused(officer, client_for, settings):
    client = client_for(officer)
    confirm = reverse("reporting:import-confirm")
    first = checked_hash(check(client, upload(name="a.xlsx")).content.decode())
    other_rows = [[f"{GOOD[1][0]}（另一份）", *GOOD[1][1:]]]
    second = checked_hash(check(client, upload(other_rows, name="b.xlsx")).content.decode())
    assert first != second

    # The first file's page (another tab) confirms after the second file was checked.
    response = client.post(confirm, {"sha256": first}, follow=True)
    assert "不是最后检查的工作簿（b.xlsx）" in messages_of(response)
    assert checked_hash(response.content.decode()) == second  # b.xlsx still waits
    response = client.post(confirm, {"sha256": "0" * 64}, follow=True)
    assert "不是最后检查的工作簿" in messages_of(response)
    assert not Incident.objects.exists()

    # The kept bytes are replaced on disk after the check: the hash read back disagrees.
    [kept] = staged_files(settings)
    kept.write_bytes(workbook([*GOOD, *GOOD]).getvalue())
    response = client.post(confirm, {"sha256": second}, follow=True)
    assert "检查之后已被改动" in messages_of(response)
    assert not Incident.objects.exists() and not staged_files(settings)


def test_a_checked_file_expires(officer, client_for, settings):
    client = client_for(officer)
    sha = checked_hash(check(client, upload()).content.decode())
    with time_machine.travel(datetime.now() + timedelta(hours=3)):  # noqa: DTZ005
        response = client.post(reverse("reporting:import-confirm"), {"sha256": sha}, follow=True)
    assert "可能已过期" in messages_of(response)
    assert not Incident.objects.exists() and not staged_files(settings)


def _empty_sheet() -> bytes:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (lambda: upload(data="标题,类别\n钓鱼,网络攻击事件\n".encode()), "此处不接收该类型的文件"),
        (
            lambda: upload(name="历史.xls", data=b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600),
            "Excel",
        ),
        (lambda: upload(data=b"PK\x03\x04" + b"x" * (5 * 1024 * 1024 + 1)), "文件过大"),
        (lambda: upload(data=_empty_sheet()), "第一个工作表为空"),
        (lambda: upload(header=[*HEADER[:-1], "备注"]), "无法识别的列：备注"),
        (lambda: upload(rows=[], header=HEADER[:3]), "缺少列：级别"),
        (lambda: upload(rows=[]), "工作簿中没有可导入的行"),
    ],
    ids=["csv", "xls", "too-large", "empty-sheet", "unknown-header", "missing-header", "no-rows"],
)
def test_bad_input_gets_a_clear_message_and_loses_nothing(
    officer, client_for, settings, file, message
):
    client = client_for(officer)
    waiting = checked_hash(check(client, upload(name="已检查.xlsx")).content.decode())
    response = check(client, file())
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'id="import-problems"' not in html
    # The workbook checked before still waits for its confirmation, untouched.
    assert checked_hash(html) == waiting and len(staged_files(settings)) == 1
    assert not Incident.objects.exists()


@pytest.mark.parametrize("persona", ["staff", "handler", "auditor"])
def test_only_those_the_policy_allows_may_import(persona, request, client_for, officer):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    for name in ("import", "import-result", "import-template"):
        response = client.get(reverse(f"reporting:{name}"))
        assert response.status_code == 403, name
    assert check(client, upload()).status_code == 403
    response = client.post(reverse("reporting:import-confirm"), {"sha256": "0" * 64})
    assert response.status_code == 403
    with pytest.raises(NotPermitted):
        import_cases(actor=user, workbook=workbook(GOOD), name="x.xlsx")
    home = client.get(reverse("home")).content.decode()
    assert reverse("reporting:import") not in home
    assert not Incident.objects.exists()


def test_officers_find_the_page_in_the_sidebar_and_on_the_metrics_page(officer, client_for):
    client = client_for(officer)
    assert reverse("reporting:import") in client.get(reverse("home")).content.decode()
    metrics = client.get(reverse("reporting:metrics")).content.decode()
    assert reverse("reporting:import") in metrics and "导入历史案件" in metrics


def test_template_downloads_with_the_importer_headers_and_reimports_once_filled(
    officer, client_for, settings
):
    client = client_for(officer)
    response = client.get(reverse("reporting:import-template"))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert ".xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(importer.COLUMNS) and len(rows) == 2
    assert "填写说明" in book.sheetnames

    # Filled in: the example row rewritten, a second case added below it.
    titles = {"A2": "2021年交易系统行情延迟", "A3": "2020年办公网勒索病毒"}
    for index, value in enumerate(rows[1], start=1):
        sheet.cell(row=3, column=index, value=value)
    for cell, title in titles.items():
        sheet[cell] = title
    sheet["D3"] = "III"
    filled = io.BytesIO()
    book.save(filled)

    html = check(client, upload(data=filled.getvalue(), name="已填写.xlsx")).content.decode()
    assert "2 行均有效" in html
    response = client.post(
        reverse("reporting:import-confirm"), {"sha256": checked_hash(html)}, follow=True
    )
    assert set(Incident.objects.values_list("title", flat=True)) == set(titles.values())
    assert Incident.objects.get(title=titles["A3"]).grade == "III"
    assert response.content.decode().count('href="/incidents/') >= 2
