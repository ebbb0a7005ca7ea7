"""Import of past cases (issue 21.6): the dry run names every bad row and writes nothing; with
--commit a single bad row means nothing is written; a good file creates closed cases with their
report as submitted, marked as imported in the audit trail."""

import io
from datetime import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook

from audit.models import AuditEntry
from core.errors import ApplicationError
from incidents.models import Incident
from reporting.importer import import_cases
from reporting.models import ReportSubmission

pytestmark = pytest.mark.django_db

HEADER = [
    "标题",
    "类别",
    "来源",
    "级别",
    "发现时间",
    "处置完成时间",
    "关闭时间",
    "总结",
    "团队",
    "原编号",
    "报告标题",
    "报送对象",
    "报告阶段",
    "报送时间",
    "是否按时",
    "回执号",
]
GOOD = [
    [
        "2023年钓鱼邮件事件",
        "网络攻击事件",
        "内部发现",
        "IV",
        "2023-03-01 09:00",
        "2023-03-01 18:00",
        "2023-03-10 10:00",
        "已完成溯源与整改",
        "信息技术部",
        "XA-2023-07",
        "首报：钓鱼邮件",
        "证监会派出机构（证监局）",
        "首报",
        "2023-03-01 11:00",
        "是",
        "BS-2023-001",
    ],
    [
        "2022年数据库误删除",
        "数据安全事件",
        "",
        "III",
        datetime(2022, 5, 2, 8),
        datetime(2022, 5, 3, 8),
        datetime(2022, 6, 1),
        "数据已恢复",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
]


def workbook(rows, header=HEADER):
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


def test_dry_run_checks_and_writes_nothing(officer):
    result = import_cases(actor=officer, workbook=workbook(GOOD), name="历史.xlsx")
    assert result.ok and not result.committed and len(result.rows) == 2
    assert not Incident.objects.exists()


def test_dry_run_names_every_bad_row(officer):
    bad = [
        GOOD[0],
        [
            "",
            "不存在的类别",
            "",
            "V",
            "昨天",
            "2023-01-01",
            "2023-01-02",
            "x",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        [
            "倒序时间",
            "网络攻击事件",
            "",
            "IV",
            "2023-03-05",
            "2023-03-01",
            "2023-03-10",
            "x",
            "无此部门",
            "",
            "只有标题",
            "",
            "",
            "",
            "",
            "",
        ],
    ]
    with translation.override("zh-hans"):
        result = import_cases(actor=officer, workbook=workbook(bad), name="bad.xlsx", commit=True)
    assert not result.ok and not result.committed
    text = "\n".join(result.errors)
    assert "第 3 行" in text and "第 4 行" in text and "第 2 行" not in text
    for fragment in ("标题", "不存在的类别", "“V”", "“昨天”", "无此部门", "报送时间"):
        assert fragment in text, fragment
    assert not Incident.objects.exists()  # all or nothing: the good row was not written either


def test_commit_imports_closed_cases_marked_in_the_audit_trail(officer, department):
    result = import_cases(actor=officer, workbook=workbook(GOOD), name="历史.xlsx", commit=True)
    assert result.committed and len(result.references) == 2
    first = Incident.objects.get(title="2023年钓鱼邮件事件")
    assert first.status == Incident.Status.CLOSED and first.grade == "IV"
    assert first.team == department and "XA-2023-07" in first.description
    assert first.summary == "已完成溯源与整改"
    submission = ReportSubmission.objects.get(report__incident=first)
    assert submission.on_time and submission.receipt_number == "BS-2023-001"
    assert submission.version.sha256 and submission.report.recipient == "csrc_branch"
    for incident in Incident.objects.all():
        marks = AuditEntry.objects.filter(
            object_pk=str(incident.pk), additional_data__imported=True
        )
        assert marks.count() == 1
    assert first.timeline.filter(text__contains="历史.xlsx").exists()


def test_failure_midway_rolls_everything_back(officer, monkeypatch):
    from reporting import importer

    real = importer._create
    calls = []

    def flaky(actor, row, name):
        calls.append(row.number)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(actor, row, name)

    monkeypatch.setattr(importer, "_create", flaky)
    with pytest.raises(RuntimeError):
        import_cases(actor=officer, workbook=workbook(GOOD), commit=True)
    assert not Incident.objects.exists()


def test_only_officers_import_and_bad_files_are_refused(handler, officer):
    with pytest.raises(ApplicationError):
        import_cases(actor=handler, workbook=workbook(GOOD))
    with pytest.raises(ApplicationError, match="xlsx"):
        import_cases(actor=officer, workbook=io.BytesIO(b"not a workbook"))
    with pytest.raises(ApplicationError, match="备注"):
        import_cases(actor=officer, workbook=workbook(GOOD, header=[*HEADER[:-1], "备注"]))


def test_command_dry_run_then_commit(officer, tmp_path):
    path = tmp_path / "history.xlsx"
    path.write_bytes(workbook(GOOD).getvalue())
    out = io.StringIO()
    call_command("import_cases", str(path), "--as", "officer", stdout=out)
    assert "Dry run" in out.getvalue() and not Incident.objects.exists()
    call_command("import_cases", str(path), "--as", "officer", "--commit", stdout=out)
    assert Incident.objects.filter(status=Incident.Status.CLOSED).count() == 2
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook([["缺少字段"]]).getvalue())
    with pytest.raises(CommandError):
        call_command("import_cases", str(bad), "--as", "officer", "--commit", stderr=io.StringIO())
