"""Shared helpers of the catalogue, gate and ledger tests."""

import datetime
import io

import openpyxl
import pytest

from accounts.models import Department
from accounts.roles import Role
from governance import services
from governance.models import CatalogueItem, ContactRole, ContactRoleAssignment
from governance.services import catalogue as catalogue_services
from tests.conftest import make_user

HEADER = [
    "编码",
    "中文名称",
    "英文名称",
    "定义",
    "数据类型",
    "代码值",
    "业务类别",
    "监管属性",
    "级别",
    "共享层级",
]
ROWS = [
    ["JY-001", "成交编号", "Trade ID", "交易所成交编号", "文本", "", "交易", "", "2", "内部"],
    [
        "KH-001",
        "客户身份证号",
        "Customer ID number",
        "客户证件号码",
        "文本",
        "",
        "客户",
        "个人信息",
        "4",
        "严格受限",
    ],
    [
        "KH-002",
        "客户姓名",
        "Customer name",
        "客户姓名",
        "文本",
        "",
        "客户",
        "个人信息",
        "3",
        "受限",
    ],
    [
        "GG-001",
        "公告标题",
        "Announcement title",
        "公开披露的公告标题",
        "文本",
        "",
        "披露",
        "",
        "1",
        "公开",
    ],
]


def workbook(rows, header=HEADER) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def catalogue(officer, officer2):
    version = catalogue_services.catalogue_import(
        actor=officer, content=workbook(ROWS), file_name="分类分级表.xlsx", title="2026 年版"
    )
    catalogue_services.catalogue_approve(actor=officer2, version=version)
    return {item.code: item for item in CatalogueItem.objects.filter(version=version)}


@pytest.fixture
def requester(db):
    using = Department.objects.create(
        name="经纪业务部", code="brokerage", kind=Department.Kind.DATA_USING
    )
    return make_user("requester", Role.INCIDENT_HANDLER, department=using, display_name="李申请")


@pytest.fixture
def controller(db):
    user = make_user("controller", Role.STAFF, display_name="赵控制")
    ContactRoleAssignment.objects.create(
        role=ContactRole.DATA_CONTROLLER, holder=user, valid_from=datetime.date(2020, 1, 1)
    )
    return user


@pytest.fixture
def wide_agreement(make_agreement, counterparty):
    """Level 4, strictly restricted, uncontrolled area with its special assessment."""
    today = datetime.date.today()
    return make_agreement(
        counterparty,
        starts_on=today - datetime.timedelta(days=100),
        ends_on=today + datetime.timedelta(days=300),
        level=4,
        tier="strict",
        area="uncontrolled",
        non_plaintext_only=True,
        special_assessment="专项评估结论：可共享（加密）",
        special_assessment_on=today - datetime.timedelta(days=120),
    )


def request_fields(agreement, items, **extra):
    today = datetime.date.today()
    fields = dict(
        agreement=agreement,
        items=items,
        area="controlled",
        method="api",
        channel="监管报送接口 /v1/trades",
        record_count=500,
        purpose="风险监测",
        post_share_duties="接收方仅用于风险监测，不得转授",
        valid_from=today,
        valid_until=today + datetime.timedelta(days=30),
    )
    fields.update(extra)
    return fields


__all__ = ["services"]


def walk_sharing_events(*, officer, officer2, requester, counterparty):
    """A sharing request waiting for the data-authority department and a ledger mismatch (the
    notifications' link walk calls this for the gate's and the ledger's event kinds)."""
    from django.core.files.base import ContentFile

    from governance.models import ExchangeSystem
    from governance.services import ledger as ledger_services
    from governance.services import sharing_gate

    version = catalogue_services.catalogue_import(
        actor=officer, content=workbook(ROWS), file_name="t.xlsx", title="t"
    )
    catalogue_services.catalogue_approve(actor=officer2, version=version)
    today = datetime.date.today()
    agreement = services.agreement_create(
        actor=officer,
        document=ContentFile(b"%PDF-1.4\nsigned", name="signed.pdf"),
        title="共享协议",
        counterparty=counterparty,
        scope="external",
        firm_role="provider",
        counterparty_role="recipient",
        data_categories="交易",
        permissions="只读",
        firm_responsibilities="提供",
        counterparty_responsibilities="使用",
        starts_on=today - datetime.timedelta(days=10),
        ends_on=today + datetime.timedelta(days=300),
        max_data_level=3,
        max_sharing_tier="restricted",
        owner=officer,
    )
    services.agreement_submit(agreement=agreement, actor=officer)
    services.agreement_approve(agreement=agreement, actor=officer2)
    item = CatalogueItem.objects.get(version=version, code="JY-001")
    sharing_gate.sharing_request_create(actor=requester, **request_fields(agreement, [item]))
    system = ExchangeSystem.objects.create(name="交换平台", slug="exchange-walk")
    event = ledger_services.parse_event(
        {
            "id": "walk-1",
            "kind": "transfer",
            "occurred_at": datetime.datetime.now(datetime.UTC).isoformat(),
            "actor": "x",
            "records": 1,
            "bytes": 1,
            "channel": "邮件",
            "encrypted": False,
        },
        1,
    )
    ledger_services.ledger_record(system=system, signature="walk", events=[event])
