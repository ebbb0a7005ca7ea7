"""Demo cases: a year of a firm that mostly complies. Each case is played at the times it
happened (core.demo.played_at): discovered, graded within half an hour, its plan's tasks done,
every report that fell due drafted by the handler, approved by an officer (four eyes) and
submitted before its deadline — two of them late, with the reason — then resolved, summarised,
rectified, verified and closed. The recent cases are still open, in the state their age gives
them; the newest is not graded yet. Two concerns from staff: one became a case, one is waiting
for triage; staff own rectification items of their own."""

import datetime as dt
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import User
from core import demo

from . import services
from .models import Concern, Incident, IncidentTask, RectificationItem

C = Incident.Category
SRC = Incident.Source
S = Incident.Status
H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)


@dataclass(frozen=True)
class Case:
    title: str
    category: str
    source: str
    days_ago: float
    facts: dict = field(default_factory=dict)
    systems: list = field(default_factory=list)
    state: str = "closed"  # how far the story goes (never past what its age allows)
    resolve_after: dt.timedelta = 6 * H
    late: tuple = ()  # (stage, recipient, minutes late, reason)
    override: tuple | None = None  # (grade, reason)
    owner: str = "handler"
    rectification: tuple | None = None  # (title, owner username)


CASES = [
    Case(
        "客户信息表被误发至外部邮箱",
        C.DATA_SECURITY,
        SRC.INTERNAL,
        300,
        {"persons_leaked": 1200, "data_level": 3, "pfi_class": 2},
        rectification=("加强外发邮件数据防泄漏策略", "handler"),
    ),
    Case(
        "网上交易系统交易时段中断 8 分钟",
        C.EQUIPMENT_FAILURE,
        SRC.INTERNAL,
        250,
        systems=[{"name": "网上交易系统", "category": "trading", "outage_minutes": 8}],
        resolve_after=dt.timedelta(minutes=50),
        owner="handler2",
        rectification=("交易网关双机热备切换演练", "handler2"),
    ),
    Case(
        "勒索软件感染办公终端",
        C.MALWARE,
        SRC.INTERNAL,
        190,
        {"economic_loss": 120000},
        late=(("initial", "csrc_branch", 25, "值班人员误将首报发往旧邮箱，发现后立即改发。"),),
        rectification=("办公终端补丁与EDR覆盖率提升至100%", "staff2"),
    ),
    Case(
        "外包商数据泄露（涉及我司提供的客户数据）",
        C.DATA_SECURITY,
        SRC.PARTNER,
        130,
        {"persons_leaked": 150_000, "pfi_class": 2},
        resolve_after=30 * H,
        owner="handler2",
        rectification=("外包商数据访问权限复核", "handler2"),
    ),
    Case(
        "证监局通报：疑似仿冒我司 App",
        C.CONTENT_SECURITY,
        SRC.CSRC,
        80,
        rectification=("官网与应用商店正版标识公示", "staff"),
    ),
    Case(
        "暗网出售疑似我司客户数据",
        C.DATA_SECURITY,
        SRC.RISK_INTELLIGENCE,
        45,
        {"persons_leaked": 1_500_000, "data_level": 3},
        state="summarised",
        resolve_after=3 * D,
        late=(("final", "csrc_branch", 180, "原因分析需等待外部取证机构报告，延后提交。"),),
        rectification=("客户数据导出全链路水印", "handler"),
    ),
    Case(
        "DDoS 攻击导致官网不可用",
        C.NETWORK_ATTACK,
        SRC.INTERNAL,
        16,
        systems=[{"name": "公司官网", "category": "customer_service", "outage_minutes": 95}],
        state="resolved",
        resolve_after=2 * H,
        override=("II", "攻击仍在持续，按重大事件从严处置"),
        owner="handler2",
    ),
    Case(
        "员工违规导出客户资料",
        C.IMPROPER_OPERATION,
        SRC.STAFF_REPORT,
        9,
        {"records_leaked": 3000, "data_level": 2},
        state="handling",
        rectification=("完成客户资料导出审批流程学习并签署承诺", "staff"),
    ),
    Case(
        "第三方存管系统中断 45 分钟",
        C.EQUIPMENT_FAILURE,
        SRC.INTERNAL,
        3,
        systems=[{"name": "第三方存管系统", "category": "depository", "outage_minutes": 45}],
        state="handling",
        resolve_after=45 * dt.timedelta(minutes=1),
        owner="handler2",
    ),
    Case("可疑的批量登录失败告警", C.ABNORMAL_BEHAVIOUR, SRC.INTERNAL, 1, state="graded"),
    Case(
        "数据共享平台接口越权访问",
        C.DATA_SECURITY,
        SRC.INTERNAL,
        0.08,
        {"records_leaked": 800, "data_level": 3, "cii_involved": True},
        [
            {
                "name": "数据共享平台",
                "category": "data_platform",
                "is_cii": True,
                "main_function_outage_minutes": 40,
            }
        ],
        state="new",
    ),
]
ORDER = ["new", "graded", "handling", "resolved", "summarised", "closed"]


def _daytime(now: dt.datetime, days_ago: float, i: int) -> dt.datetime:
    """`days_ago` days back, at an office-hours time that differs from case to case (the
    newest case keeps its exact age)."""
    if days_ago < 1:
        return now - dt.timedelta(days=days_ago)
    day = timezone.localtime(now - dt.timedelta(days=days_ago)).date()
    at = dt.datetime(
        day.year,
        day.month,
        day.day,
        9 + (i * 4) % 11,
        (i * 17) % 60,
        tzinfo=timezone.get_current_timezone(),
    )
    return min(at, now - 2 * H)


def _users() -> dict[str, User]:
    names = ["handler", "handler2", "compliance", "compliance2", "staff", "staff2"]
    return {u.username: u for u in User.objects.filter(username__in=names)}


def file_due_reports(*, reports, author, until, users, late=()):
    """Every report of the case due by `until`: drafted and sent for approval by the handler,
    approved by an officer who did not draft it, submitted before its deadline (or late, with
    the reason, when the story says so). A drill's reports end at approval."""
    from reporting import services as reporting
    from reporting.content import REQUIRED_FIELDS
    from reporting.models import RegulatoryReport as R

    late_by = {(stage, recipient): (minutes, reason) for stage, recipient, minutes, reason in late}
    filed = 0
    for _round in range(20):  # follow-ups open the next one when submitted
        report = (
            reports.filter(status=R.Status.DRAFT, due_at__lte=until)
            .order_by("due_at", "pk")
            .first()
        )
        if report is None:
            return filed
        minutes, reason = late_by.get((report.stage, report.recipient), (None, ""))
        sent = report.due_at + dt.timedelta(minutes=minutes) if minutes else report.due_at
        margin = dt.timedelta(minutes=35) if minutes is None else dt.timedelta(minutes=-5)
        start = max(sent - margin - dt.timedelta(minutes=30), report.created_at)
        with demo.played_at(start):
            missing = {
                k: "（演示）已按要求填写。"
                for k in REQUIRED_FIELDS.get(report.stage, [])
                if not str(report.content.get(k, "")).strip()
            }
            if missing:
                report = reporting.report_update(
                    report=report, content={**report.content, **missing}, actor=author
                )
            reporting.report_request_approval(report=report, actor=author)
        with demo.played_at(start + dt.timedelta(minutes=15)):
            officers = [users["compliance"], users["compliance2"]]
            officers = [u for u in officers if u.pk != author.pk]
            approver = officers[report.pk % len(officers)]
            reporting.report_approve(report=report, actor=approver, comment="同意报送。")
        if not report.is_drill:
            submitted = sent if minutes else start + dt.timedelta(minutes=25)
            with demo.played_at(submitted + dt.timedelta(minutes=1)):
                reporting.submission_record(
                    report=report,
                    channel="system" if report.recipient == "csrc" else "email",
                    submitted_at=submitted,
                    receipt_number=f"HZ{submitted:%Y%m%d%H%M}{report.pk:04d}",
                    late_reason=reason,
                    actor=author,
                )
        filed += 1
    return filed


def finish_tasks(*, incident, until, actor):
    """Plan tasks due by `until` are done a little before their due time."""
    tasks = incident.tasks.filter(state=IncidentTask.State.OPEN).order_by("due_at", "pk")
    for task in tasks:
        if task.due_at is not None and task.due_at > until:
            continue
        when = min(until, task.due_at - dt.timedelta(minutes=10)) if task.due_at else until
        with demo.played_at(max(when, incident.discovered_at + dt.timedelta(minutes=30))):
            services.task_set_state(task=task, actor=actor, state=IncidentTask.State.DONE)


def play_case(
    *, incident, case_state, users, resolve_after, late=(), rectification=None, override=None
):
    """Take a created case as far as `case_state`, each step at its time. Used by the drills
    demo for the drill's own case too."""
    now = timezone.now()
    owner = incident.assignee
    t0 = incident.discovered_at
    reached = ORDER.index(case_state)

    def step(name, at):
        return ORDER.index(name) <= reached and at < now

    if not step("graded", t0 + 25 * dt.timedelta(minutes=1)):
        return incident
    grade, reason = override or (None, "")
    with demo.played_at(t0 + 25 * dt.timedelta(minutes=1)):
        services.incident_grade(incident=incident, actor=owner, grade=grade, reason=reason)
    if step("handling", t0 + 40 * dt.timedelta(minutes=1)):
        with demo.played_at(t0 + 40 * dt.timedelta(minutes=1)):
            services.incident_start_handling(incident=incident, actor=owner)
    resolved_at = t0 + resolve_after
    if not step("resolved", resolved_at + H):
        # Still being handled: the reports due so far are in, the later clocks keep running;
        # a measure already decided is someone's rectification item.
        if rectification:
            title, owner_name = rectification
            with demo.played_at(now - 2 * D):
                services.rectification_create(
                    incident=incident,
                    title=title,
                    owner=users[owner_name],
                    due_at=now + 12 * D,
                    actor=users["compliance"],
                )
        finish_tasks(incident=incident, until=now - H, actor=owner)
        file_due_reports(
            reports=incident.regulatory_reports.all(),
            author=owner,
            until=now - 2 * H,
            users=users,
            late=late,
        )
        return incident
    file_due_reports(
        reports=incident.regulatory_reports.all(),
        author=owner,
        until=resolved_at,
        users=users,
        late=late,
    )
    finish_tasks(incident=incident, until=resolved_at, actor=owner)
    with demo.played_at(resolved_at + dt.timedelta(minutes=5)):
        services.incident_resolve(
            incident=incident,
            actor=owner,
            contained_at=t0 + min(resolve_after / 2, 2 * H),
            resolved_at=resolved_at,
        )
    summarised_at = resolved_at + 3 * D
    if not step("summarised", summarised_at):
        finish_tasks(incident=incident, until=now - H, actor=owner)
        file_due_reports(
            reports=incident.regulatory_reports.all(),
            author=owner,
            until=now - 2 * H,
            users=users,
            late=late,
        )
        return incident
    finish_tasks(incident=incident, until=summarised_at, actor=owner)
    with demo.played_at(summarised_at):
        services.incident_summarise(
            incident=incident,
            actor=owner,
            summary="事件经过：见时间线。处置情况：已隔离受影响系统并恢复服务。原因分析：见总结报告。"
            "定级与责任认定：按分级标准定级，责任部门已认定。整改措施：见整改项。",
        )
    item = None
    if rectification:
        title, owner_name = rectification
        with demo.played_at(summarised_at + H):
            item = services.rectification_create(
                incident=incident,
                title=title,
                owner=users[owner_name],
                due_at=summarised_at + 45 * D,
                actor=users["compliance"],
            )
    closed_at = summarised_at + 20 * D
    if not step("closed", closed_at + 2 * D):
        file_due_reports(
            reports=incident.regulatory_reports.all(),
            author=owner,
            until=now - 2 * H,
            users=users,
            late=late,
        )
        return incident
    file_due_reports(
        reports=incident.regulatory_reports.all(),
        author=owner,
        until=closed_at,
        users=users,
        late=late,
    )
    finish_tasks(incident=incident, until=closed_at, actor=owner)
    if item is not None:
        with demo.played_at(closed_at - 2 * D):
            services.rectification_complete(item=item, actor=item.owner, note="已完成并留存证据。")
        verifier = users["compliance2"] if item.owner_id != users["compliance2"].pk else owner
        with demo.played_at(closed_at - D):
            services.rectification_verify(item=item, actor=verifier, note="已抽查，措施有效。")
    with demo.played_at(closed_at):
        services.incident_close(incident=incident, actor=users["compliance"])
    return incident


def _concerns(users, now):
    """Staff's concerns: one became the case about the export, one waits for triage."""
    staff = users["staff"]
    if Concern.objects.filter(reporter=staff).exists():
        return None
    export_case = Incident.objects.filter(title="员工违规导出客户资料").first()
    seen = export_case.discovered_at if export_case else now - 9 * D
    with demo.played_at(seen - 40 * dt.timedelta(minutes=1)):
        first = services.concern_submit(
            reporter=staff,
            summary="同事把客户资料导出到了个人移动硬盘",
            details="刚才在营业部看到同事把客户资料表导出后拷贝到个人移动硬盘。",
            observed_at=seen - H,
        )
    if export_case is not None:
        with demo.played_at(seen + 10 * dt.timedelta(minutes=1)):
            services.concern_close(
                concern=first,
                actor=users["handler"],
                reason=f"已立案处理：{export_case.reference}。感谢报告。",
            )
    with demo.played_at(now - 5 * H):
        services.concern_submit(
            reporter=staff,
            summary="收到自称公司信息技术部的短信，要求点击链接重置密码",
            details="短信里的链接不是公司域名，我没有点击。",
            observed_at=now - 6 * H,
        )
    return first


@demo.register(50, "incidents")
def seed_incidents():
    if Incident.objects.filter(title=CASES[0].title).exists():
        return None
    users = _users()
    if len(users) < 6:
        return "incidents: demo people missing, skipped"
    now = timezone.now()
    for i, case in enumerate(CASES):
        owner = users[case.owner]
        discovered = _daytime(now, case.days_ago, i)
        with demo.played_at(discovered + dt.timedelta(minutes=5)):
            incident = services.incident_create(
                title=case.title,
                category=case.category,
                source=case.source,
                discovered_at=discovered,
                occurred_at=discovered - H,
                description=f"{case.title}。",
                assignee=owner,
                actor=owner,
                counterparty_name="某数据服务外包商" if case.source == SRC.PARTNER else "",
                affected_systems=case.systems,
                **case.facts,
            )
            services.timeline_add(
                incident=incident,
                actor=owner,
                kind="action",
                text="值班人员确认告警并通知应急小组。",
                at=discovered + dt.timedelta(minutes=3),
            )
            services.evidence_add(
                incident=incident,
                actor=owner,
                file=ContentFile(
                    f"{incident.reference} 日志摘录\n{case.title}\n".encode(), name="log.txt"
                ),
                description="初始日志摘录",
            )
        play_case(
            incident=incident,
            case_state=case.state,
            users=users,
            resolve_after=case.resolve_after,
            late=case.late,
            rectification=case.rectification,
            override=case.override,
        )
    _concerns(users, now)
    states = {
        label: Incident.objects.filter(status=value, is_drill=False).count()
        for value, label in S.choices
    }
    told = "、".join(f"{label} {n}" for label, n in states.items() if n)
    open_items = RectificationItem.objects.filter(state__in=RectificationItem.OPEN_STATES).count()
    return f"事件 {sum(states.values())} 起（{told}），未完成整改 {open_items} 项"
