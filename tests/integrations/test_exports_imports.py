import datetime
import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from accounts.models import User
from audit.models import AuditEntry
from governance import services as gov
from governance.models import CooperationAgreement, Counterparty
from incidents import services as incident_services
from integrations.exports import verify_export
from integrations.models import PeriodExport

pytestmark = pytest.mark.django_db

CITIC = "914403001017814402"
HUAWEI = "914403001922038216"


@pytest.fixture
def incident(handler):
    return incident_services.incident_create(
        title="客户信息疑似外泄",
        category="data_security",
        source="internal",
        discovered_at=timezone.now() - timedelta(hours=3),
        actor=handler,
        assignee=handler,
    )


def test_export_manifest_verifies(tmp_path, incident, auditor, officer):
    gov.counterparty_create(
        kind="service", name="华为技术有限公司", credit_code=HUAWEI, actor=officer
    )
    today = timezone.localdate()
    out = tmp_path / "export.zip"
    call_command(
        "export_period",
        "--from",
        (today - timedelta(days=7)).isoformat(),
        "--to",
        today.isoformat(),
        "--out",
        str(out),
        "--user",
        "auditor",
        stdout=io.StringIO(),
    )
    assert verify_export(out) == []
    with zipfile.ZipFile(out) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        incidents = json.loads(zf.read("incidents.json"))
        audit_lines = zf.read("audit_log.jsonl").decode().splitlines()
        assert {"incidents.json", "audit_log.jsonl", "sharing_log.json", "obligations.json"} <= set(
            manifest["files"]
        )
        assert [i["reference"] for i in incidents] == [incident.reference]
        assert incidents[0]["timeline"] and incidents[0]["assignee_id"] == incident.assignee_id
        assert manifest["files"]["incidents.json"]["records"] == 1
        entries = [json.loads(line) for line in audit_lines]
        assert len(entries) == manifest["files"]["audit_log.jsonl"]["records"] > 0
        assert all(e["entry_hash"] for e in entries)
        assert manifest["generated_by"] == "auditor"
        sums = zf.read("SHA256SUMS").decode()
        assert f"{manifest['files']['incidents.json']['sha256']}  incidents.json" in sums
    record = PeriodExport.objects.get()
    assert record.requested_by == auditor and len(record.sha256) == 64


def test_tampered_export_does_not_verify(tmp_path, incident, auditor):
    today = timezone.localdate()
    out = tmp_path / "export.zip"
    from integrations import services

    services.period_export(actor=auditor, date_from=today, date_to=today, out=out)
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(out) as src, zipfile.ZipFile(tampered, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "incidents.json":
                data = data.replace("客户信息疑似外泄".encode(), "无事发生".encode())
            dst.writestr(name, data)
    assert verify_export(tampered) == ["incidents.json: SHA-256 does not match the manifest"]


def test_export_outside_the_period_is_empty(tmp_path, incident, auditor):
    from integrations import services

    out = tmp_path / "old.zip"
    services.period_export(
        actor=auditor,
        date_from=datetime.date(2020, 1, 1),
        date_to=datetime.date(2020, 1, 31),
        out=out,
    )
    with zipfile.ZipFile(out) as zf:
        assert json.loads(zf.read("incidents.json")) == []
    assert verify_export(out) == []


def test_export_page(client_for, incident, auditor, staff):
    web = client_for(auditor)
    assert web.get(reverse("integrations:export")).status_code == 200
    today = timezone.localdate().isoformat()
    response = web.post(reverse("integrations:export"), {"date_from": today, "date_to": today})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    body = b"".join(response.streaming_content)
    archive = io.BytesIO(body)
    assert verify_export(archive) == []
    bad = web.post(reverse("integrations:export"), {"date_from": today, "date_to": "2001-01-01"})
    assert bad.status_code == 200 and "period" in bad.content.decode()
    web.force_login(staff)
    assert web.get(reverse("integrations:export")).status_code == 403


# --- import ---------------------------------------------------------------------------------

AGREEMENT_HEADER = [
    "reference",
    "title",
    "counterparty",
    "scope",
    "firm_role",
    "counterparty_role",
    "data_categories",
    "permissions",
    "firm_responsibilities",
    "counterparty_responsibilities",
    "starts_on",
    "ends_on",
    "max_data_level",
    "max_sharing_tier",
    "owner",
]


def _agreement_row(counterparty, owner="officer", starts="2026-01-01", ends="2027-12-31", level=3):
    return [
        "",
        "数据共享协议",
        counterparty,
        "external",
        "provider",
        "recipient",
        "客户信息",
        "只读",
        "提供数据",
        "安全使用",
        starts,
        ends,
        level,
        "restricted",
        owner,
    ]


def workbook(path, *, counterparties, agreements, staff):
    wb = Workbook()
    ws = wb.active
    ws.title = "counterparties"
    ws.append(["kind", "name", "credit_code", "short_name"])
    for row in counterparties:
        ws.append(row)
    ws = wb.create_sheet("合作协议")
    ws.append(AGREEMENT_HEADER)
    for row in agreements:
        ws.append(row)
    ws = wb.create_sheet("staff")
    ws.append(["username", "display_name", "email", "department", "role", "manager"])
    for row in staff:
        ws.append(row)
    wb.save(path)
    return path


def _good_workbook(tmp_path):
    return workbook(
        tmp_path / "good.xlsx",
        counterparties=[
            ["service", "华为技术有限公司", HUAWEI, "华为"],
            ["operating", "中信证券股份有限公司", CITIC, "中信"],
        ],
        agreements=[
            _agreement_row("华为技术有限公司"),
            _agreement_row(CITIC, starts=datetime.datetime(2026, 2, 1), level=2),
        ],
        staff=[
            ["zhangsan", "张三", "zhangsan@example.com", "it", "staff", "officer"],
            ["lisi", "李四", "lisi@example.com", "", "incident_handler", "zhangsan"],
        ],
    )


def test_import_good_workbook(tmp_path, officer, department):
    path = _good_workbook(tmp_path)
    out = io.StringIO()
    call_command("import_records", str(path), "--dry-run", stdout=out, stderr=io.StringIO())
    assert "Dry run" in out.getvalue()
    assert not Counterparty.objects.exists() and not User.objects.filter(username="lisi").exists()
    call_command("import_records", str(path), "--user", "officer", stdout=out)
    assert Counterparty.objects.count() == 2
    assert CooperationAgreement.objects.count() == 2
    lisi = User.objects.get(username="lisi")
    assert lisi.manager.username == "zhangsan" and lisi.has_role("incident_handler")
    assert not lisi.has_usable_password()
    assert AuditEntry.objects.filter(content_type__model="counterparty").count() == 2


def test_import_with_bad_rows_changes_nothing_and_names_every_bad_row(
    tmp_path, officer, department
):
    path = workbook(
        tmp_path / "bad.xlsx",
        counterparties=[
            ["service", "华为技术有限公司", HUAWEI, "华为"],  # row 2: fine
            ["service", "坏信用代码公司", "123", ""],  # row 3: bad credit code
            ["", "无类型公司", CITIC, ""],  # row 4: empty kind
        ],
        agreements=[
            _agreement_row("华为技术有限公司"),  # row 2: fine
            _agreement_row("不存在的公司"),  # row 3: unknown counterparty
            _agreement_row("华为技术有限公司", starts="2027-01-01", ends="2026-01-01"),  # row 4
            _agreement_row("华为技术有限公司", owner="nobody"),  # row 5
            _agreement_row("华为技术有限公司", starts="next week"),  # row 6
        ],
        staff=[
            ["zhangsan", "张三", "zhangsan@example.com", "it", "staff", ""],  # row 2: fine
            ["officer", "重复", "x@example.com", "", "", ""],  # row 3: exists
            ["wangwu", "王五", "not-an-email", "", "", ""],  # row 4
            ["zhaoliu", "赵六", "", "nowhere", "", ""],  # row 5
            ["sunqi", "孙七", "", "", "emperor", ""],  # row 6
        ],
    )
    before = (
        Counterparty.objects.count(),
        CooperationAgreement.objects.count(),
        User.objects.count(),
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="10 bad rows; nothing was changed"):
        call_command("import_records", str(path), stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "counterparties, row 3",
        "counterparties, row 4",
        "合作协议, row 3",
        "合作协议, row 4",
        "合作协议, row 5",
        "合作协议, row 6",
        "staff, row 3",
        "staff, row 4",
        "staff, row 5",
        "staff, row 6",
    ], "\n".join(lines)
    assert (
        Counterparty.objects.count(),
        CooperationAgreement.objects.count(),
        User.objects.count(),
    ) == before
    # The same report on a dry run.
    err2 = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_records", str(path), "--dry-run", stdout=io.StringIO(), stderr=err2)
    assert err2.getvalue() == err.getvalue()


def test_import_unreadable_file(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"not a workbook")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_records", str(path), stdout=io.StringIO(), stderr=io.StringIO())
