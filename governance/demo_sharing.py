"""Demo data of the catalogue, the pre-share gate and the ledger: a graded catalogue in force,
requests in each state, an exchange system and a week of transfers with a few mismatches."""

import datetime
import hashlib
import io

from django.utils import timezone

from accounts.models import User
from core import demo

from .models import (
    CatalogueVersion,
    CooperationAgreement,
    ExchangeSystem,
    LedgerEvent,
    SharingRequest,
)

CATALOGUE = [
    # code, 中文名称, English, 定义, 类型, 代码值, 业务类别, 监管属性, 级别, 层级
    (
        "JY-001",
        "成交编号",
        "Trade ID",
        "交易所回报的成交编号",
        "文本",
        "",
        "交易",
        "报送：交易所",
        2,
        "内部",
    ),
    ("JY-002", "成交价格", "Trade price", "成交价格（元）", "小数", "", "交易", "", 2, "内部"),
    ("JY-003", "买卖方向", "Side", "委托的买卖方向", "代码", "B=买\nS=卖", "交易", "", 2, "内部"),
    (
        "KH-001",
        "客户证件号码",
        "Customer ID number",
        "客户有效身份证件号码",
        "文本",
        "",
        "客户",
        "个人金融信息 C3",
        4,
        "严格受限",
    ),
    (
        "KH-002",
        "客户姓名",
        "Customer name",
        "客户姓名",
        "文本",
        "",
        "客户",
        "个人金融信息 C2",
        3,
        "受限",
    ),
    (
        "KH-003",
        "风险承受能力等级",
        "Risk tolerance",
        "适当性评估结果",
        "代码",
        "C1..C5",
        "客户",
        "适当性管理",
        3,
        "受限",
    ),
    (
        "ZJ-001",
        "资金账户余额",
        "Cash balance",
        "客户资金账户日终余额",
        "小数",
        "",
        "资金",
        "",
        3,
        "受限",
    ),
    (
        "PL-001",
        "公告标题",
        "Announcement title",
        "公开披露公告标题",
        "文本",
        "",
        "披露",
        "",
        1,
        "公开",
    ),
    ("PL-002", "公告日期", "Announcement date", "公开披露日期", "日期", "", "披露", "", 1, "公开"),
    (
        "FK-001",
        "异常交易标识",
        "Abnormal trade flag",
        "风险监控识别的异常交易",
        "布尔",
        "",
        "风控",
        "监管关注",
        3,
        "受限",
    ),
]


def _workbook() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(
        [
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
    )
    for row in CATALOGUE:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@demo.register(41, "governance-sharing")
def seed_sharing():
    from .services import catalogue as catalogue_services
    from .services import ledger as ledger_services
    from .services import sharing_gate

    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["compliance", "compliance2", "handler", "handler2", "admin"]
        )
    }
    agreements = {
        a.reference: a
        for a in CooperationAgreement.objects.filter(reference__startswith="XY-DEMO-")
    }
    if len(users) < 5 or "XY-DEMO-0001" not in agreements or "XY-DEMO-0003" not in agreements:
        return ["governance-sharing: demo people or agreements missing, skipped"]
    if not CatalogueVersion.objects.exists():
        version = catalogue_services.catalogue_import(
            actor=users["compliance"],
            content=_workbook(),
            file_name="监管数据分类分级表.xlsx",
            title="监管数据目录 2026 版",
        )
        catalogue_services.catalogue_approve(
            actor=users["compliance2"], version=version, comment="定级符合 JR/T 0158-2018"
        )
    version = CatalogueVersion.objects.in_force().get()
    items = {i.code: i for i in version.items.all()}
    today = timezone.localdate()
    notes = []
    if not SharingRequest.objects.filter(legacy_registration__isnull=True).exists():
        trades = sharing_gate.sharing_request_create(
            actor=users["handler2"],
            agreement=agreements["XY-DEMO-0001"],
            items=[items["JY-001"], items["JY-002"], items["JY-003"]],
            area="controlled",
            method="api",
            channel="监管数据共享平台 /api/v1/trades",
            record_count=50_000,
            purpose="交易数据对账与异常交易监测",
            post_share_duties="仅用于约定用途；不得转授第三方；到期删除",
            valid_from=today - datetime.timedelta(days=7),
            valid_until=today + datetime.timedelta(days=20),
        )
        sharing_gate.sharing_request_decide(
            actor=users["handler"], request=trades, approve=True, comment="同意"
        )
        risk = sharing_gate.sharing_request_create(
            actor=users["handler2"],
            agreement=agreements["XY-DEMO-0003"],
            items=[items["KH-001"], items["KH-002"]],
            area="controlled",
            method="file",
            channel="内部文件交换区",
            record_count=2_000,
            checksums=[hashlib.sha256(b"demo-risk-file").hexdigest()],
            purpose="客户风险画像（风险管理部）",
            post_share_duties="文件加密存放；使用后 30 日内删除",
            valid_from=today - datetime.timedelta(days=3),
            valid_until=today + datetime.timedelta(days=60),
        )
        sharing_gate.sharing_request_assess(
            actor=users["handler"],
            request=risk,
            purpose="风险画像为监管要求的适当性管理所需",
            scope="仅证件号与姓名，范围最小",
            method="内部加密文件交换，校验和登记",
            duties="风险管理部承担保管责任，使用后删除",
            conclusion="同意共享",
        )
        for who in ("handler", "admin", "compliance"):
            sharing_gate.sharing_request_decide(
                actor=users[who], request=risk, approve=True, comment="同意"
            )
        sharing_gate.sharing_request_create(
            actor=users["handler2"],
            agreement=agreements["XY-DEMO-0001"],
            items=[items["ZJ-001"]],
            area="controlled",
            method="file",
            channel="SFTP",
            record_count=300_000,
            purpose="年度资金数据一次性迁移",
            post_share_duties="迁移完成后删除",
            valid_from=today,
            valid_until=today + datetime.timedelta(days=10),
        )
        notes.append("governance-sharing: catalogue, 3 sharing requests")
    system = ExchangeSystem.objects.filter(
        slug="data-exchange"
    ).first() or ExchangeSystem.objects.create(name="数据共享交换平台", slug="data-exchange")
    if not LedgerEvent.objects.exists():
        trades = SharingRequest.objects.filter(channel__startswith="监管数据共享平台").first()
        risk = SharingRequest.objects.filter(channel="内部文件交换区").first()
        events = []
        now = timezone.now()
        for day in range(6, -1, -1):
            for n in range(4):
                events.append(
                    {
                        "external_id": f"demo-{day}-{n}",
                        "kind": "api_call",
                        "method": "api",
                        "occurred_at": now - datetime.timedelta(days=day, hours=n),
                        "actor": "svc-regdata",
                        "request_reference": trades.reference if trades else "",
                        "item_codes": ["JY-001", "JY-002"],
                        "record_count": 800 + 10 * n,
                        "byte_count": 120_000 + 1000 * n,
                        "checksum": "",
                        "channel": "监管数据共享平台 /api/v1/trades",
                        "encrypted": True,
                    }
                )
        if risk:
            events.append(
                {
                    "external_id": "demo-risk-file",
                    "kind": "transfer",
                    "method": "file",
                    "occurred_at": now - datetime.timedelta(days=1),
                    "actor": "risk-etl",
                    "request_reference": risk.reference,
                    "item_codes": ["KH-001", "KH-002"],
                    "record_count": 1_800,
                    "byte_count": 2_400_000,
                    "checksum": hashlib.sha256(b"demo-risk-file").hexdigest(),
                    "channel": "内部文件交换区",
                    "encrypted": True,
                }
            )
        # Mismatches: an unregistered transfer, and a plaintext one under the trades request.
        events.append(
            {
                "external_id": "demo-unregistered",
                "kind": "transfer",
                "method": "file",
                "occurred_at": now - datetime.timedelta(hours=3),
                "actor": "zhang.san",
                "request_reference": "",
                "item_codes": ["KH-001"],
                "record_count": 5_000,
                "byte_count": 900_000,
                "checksum": hashlib.sha256(b"unknown").hexdigest(),
                "channel": "邮件附件",
                "encrypted": False,
            }
        )
        if trades:
            events.append(
                {
                    "external_id": "demo-plaintext",
                    "kind": "api_call",
                    "method": "api",
                    "occurred_at": now - datetime.timedelta(hours=1),
                    "actor": "svc-regdata",
                    "request_reference": trades.reference,
                    "item_codes": ["JY-001"],
                    "record_count": 100,
                    "byte_count": 10_000,
                    "checksum": "",
                    "channel": "监管数据共享平台 /api/v1/trades",
                    "encrypted": False,
                }
            )
        ledger_services.ledger_record(
            system=system, signature="demo-" + now.isoformat(), events=events, now=now
        )
        notes.append(f"governance-sharing: {len(events)} ledger events")
    return notes
