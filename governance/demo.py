"""Demo governance data, played at its own dates (core.demo.played_at): counterparties,
agreements in force (one about to expire, one suspended while a partner remedies a finding),
contact roles, the quarterly security meetings and the annual review of this year held on their
dates with approved minutes, the year's data-sharing evaluation attached as evidence. The
obligations are tracked from 1 January: the past periods are met, the current ones due."""

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
    ObligationPeriod,
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
    with demo.played_at(_at(starts_on - datetime.timedelta(days=10), 10)):
        return _agreement_signed(
            reference,
            cp,
            owner,
            approver,
            starts_on=starts_on,
            ends_on=ends_on,
            level=level,
            tier=tier,
            title=title,
        )


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(
        day.year, day.month, day.day, hour, minute, tzinfo=timezone.get_current_timezone()
    )


def _agreement_signed(reference, cp, owner, approver, *, starts_on, ends_on, level, tier, title):
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
        return "governance: demo people missing, skipped"
    if Counterparty.objects.filter(name=COUNTERPARTIES[0][1]).exists():
        return None  # seeded before: nothing changes
    today = timezone.localdate()
    year = today.year
    jan = datetime.date(year, 1, 1)
    with demo.played_at(_at(jan - datetime.timedelta(days=400), 10)):
        cps = {
            name: services.counterparty_create(
                kind=kind, name=name, credit_code=code, actor=users["compliance"]
            )
            for kind, name, code in COUNTERPARTIES
        }
        internal = services.counterparty_create(
            kind=Counterparty.Kind.INTERNAL,
            name="风险管理部",
            department=Department.objects.get(code="risk"),
            actor=users["compliance"],
        )
        services.counterparty_contact_add(
            counterparty=cps["华为技术有限公司"],
            name="孙安全",
            title="安全负责人",
            phone="0755-00000000",
            email="security@partner.example.com",
            is_security_contact=True,
            actor=users["compliance"],
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
    _agreement(
        "XY-DEMO-0001",
        cps["中信证券股份有限公司"],
        users["compliance"],
        users["compliance2"],
        starts_on=datetime.date(year - 1, 1, 1),
        ends_on=today + datetime.timedelta(days=25),
        level=3,
        tier="restricted",
        title="行情与交易数据共享协议",
    )
    _agreement(
        "XY-DEMO-0002",
        cps["华为技术有限公司"],
        users["compliance2"],
        users["compliance"],
        starts_on=datetime.date(year - 1, 6, 1),
        ends_on=datetime.date(year + 1, 5, 31),
        level=2,
        tier="internal",
        title="运维服务委托处理协议",
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
    suspended = _agreement(
        "XY-DEMO-0004",
        cps["招商银行股份有限公司"],
        users["compliance"],
        users["compliance2"],
        starts_on=datetime.date(year - 1, 3, 1),
        ends_on=datetime.date(year + 1, 2, 28),
        level=2,
        tier="internal",
        title="第三方存管对账数据交换协议",
    )
    with demo.played_at(timezone.now() - datetime.timedelta(days=12)):
        services.agreement_suspend(
            agreement=suspended,
            actor=users["compliance"],
            reason="对方年度安全评估发现传输未加密问题，整改验证通过前暂停新增数据共享。",
        )
    # Obligations are tracked from 1 January: this year's record is the demo's story.
    Obligation.objects.exclude(tracked_from=jan).update(tracked_from=jan)
    _meetings(users, today)
    _sharing_evaluation(users, today)
    services.meeting_occurrences_generate(today=today)
    services.obligations_evaluate(today=today)
    held = Meeting.objects.filter(state=Meeting.State.HELD).count()
    return f"协议 {CooperationAgreement.objects.count()} 份（1 份即将到期、1 份暂停），已召开会议 {held} 次"


MINUTES = (
    "<p>会议听取了本季度共享数据质量与数据安全情况汇报。</p>"
    "<ul><li>共享数据质量问题 {issues} 项，均已整改</li><li>本季度数据安全事件情况见事件台账</li></ul>"
)


def _meetings(users, today):
    """This year's meetings from the schedules, each held on its date with approved minutes."""
    jan = datetime.date(today.year, 1, 1)
    schedule = MeetingSchedule.objects.filter(kind=MeetingKind.QUARTERLY_SECURITY).first()
    with demo.played_at(_at(jan, 9, 30)):
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
                location="总部 3 楼会议室",
                organiser=users["compliance"],
                agenda_template="1. 数据共享流程标准执行情况\n2. 存在问题与改进",
            )
        services.meeting_occurrences_generate(today=jan)
    now = timezone.now()
    due = Meeting.objects.filter(
        state=Meeting.State.PLANNED, scheduled_at__lt=now - datetime.timedelta(days=2)
    ).order_by("scheduled_at")
    for n, meeting in enumerate(due, start=1):
        start = meeting.scheduled_at
        with demo.played_at(start + datetime.timedelta(hours=2)):
            services.meeting_record_held(
                meeting=meeting,
                present=[users["compliance"], users["compliance2"], users["handler"]],
                held_at=start,
                actor=users["compliance"],
            )
            services.meeting_minutes_save(
                meeting=meeting, actor=users["compliance"], minutes=MINUTES.format(issues=n % 3 + 1)
            )
            services.meeting_decision_add(
                meeting=meeting, text="完善共享数据质量校验规则", actor=users["compliance"]
            )
        with demo.played_at(start + datetime.timedelta(days=1, hours=1)):
            services.meeting_minutes_approve(meeting=meeting, actor=users["compliance2"])


def _sharing_evaluation(users, today):
    """O13: the year's data-sharing evaluation, done in the autumn and attached by hand."""
    on = max(datetime.date(today.year, 1, 2), today - datetime.timedelta(days=40))
    period = ObligationPeriod.objects.filter(
        obligation__code="O13", starts_on__lte=on, ends_on__gte=on
    ).first()
    if period is None:
        services.obligation_periods_ensure(today=today)
        period = ObligationPeriod.objects.filter(
            obligation__code="O13", starts_on__lte=on, ends_on__gte=on
        ).first()
    if period is None or period.manual_evidence.exists():
        return
    with demo.played_at(_at(on, 16)):
        services.obligation_evidence_attach(
            period=period,
            description=f"{today.year}年度数据共享评估报告",
            evidence_on=on,
            file=ContentFile(
                b"%PDF-1.4\n% " + "数据共享评估报告".encode() + b"\n%%EOF\n",
                name=f"sharing-evaluation-{today.year}.pdf",
            ),
            actor=users["compliance"],
        )
