"""Demo cases: a dozen incidents across grades and states, with timelines, tasks and evidence."""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import User
from core import demo
from core.errors import ApplicationError

from . import services
from .models import Incident

C = Incident.Category
SRC = Incident.Source

# title, category, source, days ago, facts, systems, target state, grade override (+reason)
CASES = [
    (
        "客户信息表被误发至外部邮箱",
        C.DATA_SECURITY,
        SRC.INTERNAL,
        40,
        {"persons_leaked": 1200, "data_level": 3, "pfi_class": 2},
        [],
        "closed",
        None,
    ),
    (
        "网上交易系统交易时段中断 8 分钟",
        C.EQUIPMENT_FAILURE,
        SRC.INTERNAL,
        30,
        {},
        [{"name": "网上交易系统", "category": "trading", "outage_minutes": 8}],
        "summarised",
        None,
    ),
    (
        "勒索软件感染办公终端",
        C.MALWARE,
        SRC.INTERNAL,
        21,
        {"economic_loss": 120000},
        [],
        "resolved",
        None,
    ),
    (
        "外包商数据泄露（涉及我司提供的客户数据）",
        C.DATA_SECURITY,
        SRC.PARTNER,
        14,
        {"persons_leaked": 150_000, "pfi_class": 2},
        [],
        "handling",
        None,
    ),
    ("证监局通报：疑似仿冒我司 App", C.CONTENT_SECURITY, SRC.CSRC, 10, {}, [], "handling", None),
    (
        "暗网出售疑似我司客户数据",
        C.DATA_SECURITY,
        SRC.RISK_INTELLIGENCE,
        7,
        {"persons_leaked": 1_500_000, "data_level": 3},
        [],
        "graded",
        None,
    ),
    (
        "DDoS 攻击导致官网不可用",
        C.NETWORK_ATTACK,
        SRC.INTERNAL,
        6,
        {},
        [{"name": "公司官网", "category": "customer_service", "outage_minutes": 95}],
        "graded",
        ("II", "攻击仍在持续，按重大事件从严处置"),
    ),
    (
        "员工违规导出客户资料",
        C.IMPROPER_OPERATION,
        SRC.STAFF_REPORT,
        5,
        {"records_leaked": 3000, "data_level": 2},
        [],
        "handling",
        None,
    ),
    (
        "第三方存管系统中断 45 分钟",
        C.EQUIPMENT_FAILURE,
        SRC.INTERNAL,
        3,
        {},
        [{"name": "第三方存管系统", "category": "depository", "outage_minutes": 45}],
        "graded",
        None,
    ),
    (
        "演练：核心交易数据库遭篡改",
        C.NETWORK_ATTACK,
        SRC.DRILL,
        2,
        {"data_level": 4},
        [],
        "handling",
        None,
    ),
    ("可疑的批量登录失败告警", C.ABNORMAL_BEHAVIOUR, SRC.INTERNAL, 1, {}, [], "new", None),
    (
        "数据共享平台接口越权访问",
        C.DATA_SECURITY,
        SRC.INTERNAL,
        0,
        {"records_leaked": 800, "data_level": 3, "cii_involved": True},
        [
            {
                "name": "数据共享平台",
                "category": "data_platform",
                "is_cii": True,
                "main_function_outage_minutes": 40,
            }
        ],
        "new",
        None,
    ),
]


@demo.register(50, "incidents")
def seed_incidents():
    if Incident.objects.filter(title=CASES[0][0]).exists():
        return ["incidents: demo cases already present"]
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["handler", "handler2", "compliance", "compliance2"]
        )
    }
    handler, handler2 = users.get("handler"), users.get("handler2")
    officer, officer2 = users.get("compliance"), users.get("compliance2")
    if not handler:
        return ["incidents: demo people missing, skipped"]
    now = timezone.now()
    lines = []
    for i, (title, category, source, days, facts, systems, state, override) in enumerate(CASES):
        owner = handler if i % 2 == 0 else handler2 or handler
        discovered = now - timedelta(days=days, hours=2)
        incident = services.incident_create(
            title=title,
            category=category,
            source=source,
            discovered_at=discovered,
            occurred_at=discovered - timedelta(hours=1),
            description=f"{title}。演示数据。",
            assignee=owner,
            actor=owner,
            counterparty_name="某数据服务外包商" if source == SRC.PARTNER else "",
            affected_systems=systems,
            **facts,
        )
        services.timeline_add(
            incident=incident,
            actor=owner,
            kind="action",
            text="值班人员确认告警并通知应急小组。",
            at=discovered + timedelta(minutes=20),
        )
        services.evidence_add(
            incident=incident,
            actor=owner,
            file=ContentFile(f"{incident.reference} 日志摘录\n{title}\n".encode(), name="log.txt"),
            description="初始日志摘录",
        )
        if state == "new":
            lines.append(f"  {incident.reference} {title}")
            continue
        grade, reason = override if override else (None, "")
        services.incident_grade(incident=incident, actor=owner, grade=grade, reason=reason)
        if state in ("handling", "resolved", "summarised", "closed"):
            services.incident_start_handling(incident=incident, actor=owner)
        if state in ("resolved", "summarised", "closed"):
            services.incident_resolve(
                incident=incident,
                actor=owner,
                contained_at=now - timedelta(days=days - 1, hours=2) if days > 1 else now,
                resolved_at=now - timedelta(days=days - 1) if days > 1 else now,
            )
        if state in ("summarised", "closed"):
            services.incident_summarise(
                incident=incident,
                actor=owner,
                summary="事件经过、处置情况、原因分析、定级与责任认定、整改措施（演示）。",
            )
            item = services.rectification_create(
                incident=incident,
                title="加强外发邮件数据防泄漏策略",
                owner=owner,
                due_at=now + timedelta(days=14),
                actor=officer or owner,
            )
            if state == "closed" and officer:
                services.rectification_complete(item=item, actor=owner, note="已上线 DLP 规则。")
                services.rectification_verify(item=item, actor=officer2 or officer, note="已抽查。")
                try:
                    services.incident_close(incident=incident, actor=officer)
                except ApplicationError as exc:  # e.g. another app's blocker (report due)
                    lines.append(f"  {incident.reference}: not closed: {exc.message}")
        lines.append(f"  {incident.reference} {title} ({incident.get_status_display()})")
    return ["incidents: demo cases", *lines]
