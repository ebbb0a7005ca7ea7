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


def _demo_use_request(medium, who, officer, today):
    """A loan approved by an officer, when the catalogue has an item the medium may carry."""
    from .models import CatalogueItem
    from .services import media

    item = (
        CatalogueItem.objects.in_force().filter(data_level__lte=medium.max_level).order_by("code")
    ).first()
    if item is None:
        return
    request = media.medium_use_request(
        medium=medium,
        actor=who,
        purpose="向监管报送季度数据备份",
        items=[item],
        needed_from=today,
        return_by=today + datetime.timedelta(days=3),
    )
    media.medium_use_approve(use_request=request, actor=officer, comment="同意，用后即还")


DEMO_PDF = b"%PDF-1.4\n% demo\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@demo.register(45, "sharing media and evaluations")
def seed_media_and_evaluations():
    """The register of sharing media (a check, a loan, a handover awaiting the receiver, a
    disposal) and two sharing evaluations: last year's approved (O13), this year's being
    prepared."""
    from .models import CounterpartyContact, SharingEvaluation, SharingMedium
    from .services import evaluation as ev
    from .services import media

    users = {u.username: u for u in User.objects.all()}
    officer, officer2 = users["compliance"], users["compliance2"]
    handler, handler2 = users["handler"], users["handler2"]
    today = timezone.localdate()
    if not SharingMedium.objects.exists():
        backup = media.medium_register(
            actor=officer,
            name="备份光盘（一次写入）",
            kind=SharingMedium.Kind.OPTICAL_DISC,
            serial_number="DVD-2026-01",
            custodian=handler,
            max_level=3,
            backup_note="光盘本身为备份介质，存放于机房保险柜",
            check_interval_days=180,
        )
        drive = media.medium_register(
            actor=officer,
            name="加密移动硬盘（报送专用）",
            kind=SharingMedium.Kind.ENCRYPTED_DRIVE,
            serial_number="ENC-7731",
            custodian=handler,
            max_level=3,
            has_independent_security=True,
            backup_medium=backup,
            check_interval_days=90,
        )
        media.medium_register(
            actor=officer,
            name="交易所报盘专线（第三方）",
            kind=SharingMedium.Kind.WIRED,
            serial_number="LINE-SZSE-02",
            custodian=handler2,
            ownership=SharingMedium.Ownership.THIRD_PARTY,
            owner_name="某通信运营商深圳分公司",
            area="uncontrolled",
            max_level=2,
            backup_note="备用线路：互联网 VPN（加密）",
            check_interval_days=30,
            liability_agreement=ContentFile(DEMO_PDF, name="专线责任与义务约定.pdf"),
        )
        old = media.medium_register(
            actor=officer,
            name="旧 U 盘（已停用）",
            kind=SharingMedium.Kind.PORTABLE_DRIVE,
            custodian=handler2,
            max_level=2,
            backup_note="数据已迁移至加密移动硬盘",
        )
        media.medium_check_record(
            medium=drive, actor=handler, result="findings", findings="外壳轻微磨损；加密功能正常"
        )
        _demo_use_request(backup, handler2, officer, today)
        media.medium_handover_start(
            medium=drive, actor=handler, to_user=handler2, reason="岗位轮换：报送工作移交"
        )
        media.medium_dispose(
            medium=old,
            actor=officer,
            method="消磁后物理粉碎",
            witness=officer2,
            certificate=ContentFile(DEMO_PDF, name="报废证明.pdf"),
        )
    if SharingEvaluation.objects.exists():
        return None
    parties = list(Counterparty.objects.exclude(kind=Counterparty.Kind.INTERNAL)[:2])
    for party in parties:
        if not party.contacts.exclude(email="").exists():
            CounterpartyContact.objects.create(
                counterparty=party, name="数据安全联系人", email=f"security-{party.pk}@example.com"
            )
    last = today.year - 1
    e = ev.evaluation_create(
        actor=officer,
        title=f"{last}年度数据共享评估",
        period_start=datetime.date(last, 1, 1),
        period_end=datetime.date(last, 12, 31),
        goal="保证数据共享的及时性和准确性；发现共享数据质量与安全问题并推动整改",
    )
    ev.evaluation_member_add(evaluation=e, actor=officer, user=officer2, layer="management")
    ev.evaluation_member_add(
        evaluation=e, actor=officer, user=handler, layer="execution", responsibility="实施与记录"
    )
    ev.evaluation_scope_prefill(evaluation=e, actor=handler)
    for category, source, party in (
        ("交易数据", "成交明细（报送交易所）", parties[0] if parties else None),
        ("新闻舆情数据", "舆情监测推送", parties[-1] if parties else None),
    ):
        ev.evaluation_scope_item_add(
            evaluation=e, actor=handler, category=category, source=source, counterparty=party
        )
    ev.evaluation_update(
        evaluation=e,
        actor=handler,
        plan_scope="对外共享的交易数据与舆情数据",
        plan_objects="数据共享接口、共享介质及接收方",
        plan_organisation="管理层：合规负责人；执行层：信息技术部数据组",
        plan_budget="20000.00",
        plan_schedule="1 月完成方案，2 月实施，3 月出具报告",
    )
    ev.evaluation_measure_add(
        evaluation=e,
        actor=handler,
        name="抽样核对共享数据",
        method="按数据类别抽样比对源系统记录",
        tools="核对脚本、共享台账导出",
        risks="抽样查询影响源系统性能",
        rollback="停止抽样并恢复原查询计划",
        contingency="改在非交易时段执行",
        supervision="管理层每周审阅抽样记录",
        supervisor=officer2,
    )
    ev.evaluation_plan_submit(evaluation=e, actor=handler)
    ev.evaluation_plan_approve(evaluation=e, actor=officer2, comment="同意按方案实施")
    ev.evaluation_monitor_record(
        evaluation=e, actor=officer2, kind="review", note="抽样过程符合方案，未影响业务"
    )
    ev.evaluation_execution_finish(evaluation=e, actor=handler)
    ev.evaluation_report_save(
        evaluation=e,
        actor=handler,
        report_conclusion="共享数据总体及时、准确；舆情数据存在少量重复推送",
        report_opinion="建议对舆情数据增加去重校验；季度复核共享介质台账",
    )
    ev.evaluation_report_submit(evaluation=e, actor=handler)
    ev.evaluation_report_approve(evaluation=e, actor=officer2)
    current = ev.evaluation_create(
        actor=officer,
        title=f"{today.year}年度数据共享评估",
        period_start=datetime.date(today.year, 1, 1),
        period_end=datetime.date(today.year, 12, 31),
        goal="评估本年度共享数据的质量、安全性与使用效果",
    )
    ev.evaluation_member_add(
        evaluation=current, actor=officer, user=handler, layer="execution", responsibility="实施"
    )
    ev.evaluation_scope_prefill(evaluation=current, actor=handler)
    return (
        f"共享介质 {SharingMedium.objects.count()} 个，数据共享评估 "
        f"{SharingEvaluation.objects.count()} 次（上年度已批准）"
    )
