"""Demo governance data: counterparties, agreements (two about to expire), contact roles,
meeting schedules with held meetings and minutes, and a quarter that was missed."""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import Department, User
from core import demo

from . import services
from .models import (
    ContactRole,
    ContactRoleAssignment,
    CooperationAgreement,
    Counterparty,
    Frequency,
    Meeting,
    MeetingKind,
    MeetingSchedule,
    Obligation,
)

COUNTERPARTIES = [
    # kind, name, credit code (real, published codes of well-known institutions)
    (Counterparty.Kind.OPERATING, "中信证券股份有限公司", "914403001017814402"),
    (Counterparty.Kind.SERVICE, "华为技术有限公司", "914403001922038216"),
    (Counterparty.Kind.OPERATING, "招商银行股份有限公司", "9144030010001686XA"),
]


def _agreement(reference, cp, owner, approver, *, starts_on, ends_on, level, tier, title):
    agreement = CooperationAgreement.objects.filter(reference=reference).first()
    if agreement:
        return agreement
    internal = cp.kind == Counterparty.Kind.INTERNAL
    agreement = services.agreement_create(
        actor=owner,
        reference=reference,
        title=title,
        counterparty=cp,
        scope="internal" if internal else "external",
        firm_role="provider",
        counterparty_role="recipient" if internal else "processor",
        data_categories="客户基本信息、交易流水（脱敏）",
        systems="集中交易系统、数据共享平台",
        permissions="只读查询；禁止转授权",
        firm_responsibilities="按约定范围提供数据，保证数据质量",
        counterparty_responsibilities="按约定用途使用，落实安全措施，发生事件立即通知",
        starts_on=starts_on,
        ends_on=ends_on,
        max_data_level=level,
        max_sharing_tier=tier,
        security_requirements="传输加密；访问留痕；到期销毁",
        # A minimal PDF: uploads are checked by content (core.uploads), not by name.
        document=ContentFile(
            b"%PDF-1.4\n% " + f"{reference} 已签署协议".encode() + b"\n%%EOF\n",
            name=f"{reference}.pdf",
        ),
        signed_on=starts_on,
    )
    services.agreement_submit(agreement=agreement, actor=owner)
    services.agreement_approve(agreement=agreement, actor=approver, comment="同意")
    return agreement


@demo.register(40, "governance")
def seed_governance():
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=[
                "compliance",
                "compliance2",
                "handler",
                "handler2",
                "auditor",
                "staff",
                "staff2",
                "admin",
            ]
        )
    }
    if len(users) < 8:
        return ["governance: demo people missing, skipped"]
    today = timezone.localdate()
    cps = {}
    for kind, name, code in COUNTERPARTIES:
        cps[name] = Counterparty.objects.filter(name=name).first() or services.counterparty_create(
            kind=kind, name=name, credit_code=code, actor=users["compliance"]
        )
    risk = Department.objects.get(code="risk")
    internal = Counterparty.objects.filter(
        name="风险管理部"
    ).first() or services.counterparty_create(
        kind=Counterparty.Kind.INTERNAL,
        name="风险管理部",
        department=risk,
        actor=users["compliance"],
    )
    if not cps["华为技术有限公司"].contacts.exists():
        services.counterparty_contact_add(
            counterparty=cps["华为技术有限公司"],
            name="孙安全",
            title="安全负责人",
            phone="0755-00000000",
            email="security@partner.example.com",
            is_security_contact=True,
            actor=users["compliance"],
        )
    year = today.year
    _agreement(
        "XY-DEMO-0001",
        cps["中信证券股份有限公司"],
        users["compliance"],
        users["compliance2"],
        starts_on=datetime.date(year - 1, 1, 1),
        ends_on=today + datetime.timedelta(days=25),
        level=3,
        tier="restricted",
        title="行情与交易数据共享协议（即将到期）",
    )
    _agreement(
        "XY-DEMO-0002",
        cps["华为技术有限公司"],
        users["compliance2"],
        users["compliance"],
        starts_on=datetime.date(year - 1, 6, 1),
        ends_on=today + datetime.timedelta(days=55),
        level=2,
        tier="internal",
        title="运维服务委托处理协议（即将到期）",
    )
    _agreement(
        "XY-DEMO-0003",
        internal,
        users["compliance"],
        users["compliance2"],
        starts_on=datetime.date(year - 1, 1, 1),
        ends_on=datetime.date(year + 2, 12, 31),
        level=4,
        tier="strict",
        title="内部数据共享协议：风险管理部",
    )
    for role, holder, deputy in (
        (ContactRole.COMPLIANCE_HEAD, "compliance", "compliance2"),
        (ContactRole.INCIDENT_LEAD, "handler", "handler2"),
        (ContactRole.REGULATOR_LIAISON, "compliance2", "compliance"),
        (ContactRole.DATA_CONTROLLER, "admin", "handler"),
    ):
        if not ContactRoleAssignment.objects.filter(role=role).exists():
            services.contact_role_assign(
                role=role,
                holder=users[holder],
                deputy=users[deputy],
                valid_from=datetime.date(year - 1, 1, 1),
                actor=users["compliance"],
            )
    # Obligations tracked from last year, so the dashboard shows a year's history.
    Obligation.objects.filter(tracked_from__gt=datetime.date(year - 1, 1, 1)).update(
        tracked_from=datetime.date(year - 1, 1, 1)
    )
    schedule = MeetingSchedule.objects.filter(kind=MeetingKind.QUARTERLY_SECURITY).first()
    if schedule is None:
        schedule = MeetingSchedule.objects.create(
            kind=MeetingKind.QUARTERLY_SECURITY,
            title="数据安全工作会议",
            frequency=Frequency.QUARTERLY,
            month_in_period=3,
            day_of_month=15,
            location="总部 3 楼会议室",
            organiser=users["compliance"],
            agenda_template="1. 共享数据质量\n2. 数据安全情况\n3. 使用效果",
        )
        schedule.default_attendees.set(
            [users[u] for u in ("compliance", "compliance2", "handler", "staff2")]
        )
        MeetingSchedule.objects.create(
            kind=MeetingKind.ANNUAL_REVIEW,
            title="数据共享流程标准执行工作会议",
            frequency=Frequency.ANNUAL,
            month_in_period=11,
            day_of_month=20,
            organiser=users["compliance"],
        )
    # Last year's quarterly meetings, held with approved minutes, except Q3: that quarter is missed.
    for quarter in (1, 2, 4):
        month = quarter * 3
        when = datetime.datetime(
            year - 1, month, 15, 14, 30, tzinfo=timezone.get_current_timezone()
        )
        title = f"数据安全工作会议（{year - 1}-Q{quarter}）"
        if Meeting.objects.filter(title=title).exists():
            continue
        m = services.meeting_create(
            kind=MeetingKind.QUARTERLY_SECURITY,
            title=title,
            scheduled_at=when,
            organiser=users["compliance"],
            attendees=[users["compliance"], users["handler"], users["staff2"]],
            agenda="1. 共享数据质量\n2. 数据安全情况",
            location="总部 3 楼会议室",
            actor=users["compliance"],
        )
        services.meeting_record_held(
            meeting=m,
            present=[users["compliance"], users["handler"]],
            held_at=when,
            actor=users["compliance"],
        )
        services.meeting_minutes_save(
            meeting=m,
            actor=users["compliance"],
            minutes="<p>会议听取了本季度共享数据质量与安全情况汇报。</p><ul><li>数据质量问题 2 项</li>"
            "<li>无数据安全事件</li></ul>",
        )
        services.meeting_decision_add(
            meeting=m, text="完善共享数据质量校验规则", actor=users["compliance"]
        )
        services.meeting_minutes_approve(meeting=m, actor=users["compliance2"])
    services.meeting_occurrences_generate(today=today)
    services.obligations_evaluate(today=today)
    return []
