"""Demo data for issue 20: emergency plans with versions (one exercised by a drill whose finding
proposed the change the next version lists, adopted at the annual process review), an awareness
campaign with acknowledgements, and a confidential and an anonymous concern with replies. Every
record is written through its own service."""

import datetime as dt

from django.utils import timezone

from accounts.models import User
from core import demo
from governance import services as governance_services
from governance.models import Meeting, MeetingKind
from incidents import services as incident_services
from incidents.models import Concern, EmergencyPlan, PlanScenario, ResponsePlan

from . import services
from .campaigns import CampaignChannel
from .models import Drill, DrillObjective

PLAN_TEXT = (
    "一、适用范围：客户个人信息及监管共享数据发生泄露或疑似泄露。\n"
    "二、组织：应急领导小组组长为合规负责人，处置组由信息技术部与合规部组成。\n"
    "三、流程：发现→30分钟内初步定级→按规程报告证监局→处置与取证→总结与整改。\n"
    "四、报告：按事件等级在规定时限内完成首报、续报与总结报告。"
)


def _review_meeting(officer, year):
    meeting = Meeting.objects.filter(kind=MeetingKind.ANNUAL_REVIEW).order_by("pk").first()
    if meeting is not None:
        return meeting
    when = dt.datetime(year, 11, 20, 14, 30, tzinfo=timezone.get_current_timezone())
    return governance_services.meeting_create(
        kind=MeetingKind.ANNUAL_REVIEW,
        title=f"数据共享流程标准执行工作会议（{year}）",
        scheduled_at=when,
        organiser=officer,
        attendees=[officer],
        actor=officer,
    )


@demo.register(62, "emergency plans, awareness and concerns")
def seed_awareness():
    if EmergencyPlan.objects.exists():
        return ["emergency plans: already present"]
    users = {u.username: u for u in User.objects.all()}
    officer, handler = users.get("compliance"), users.get("handler")
    if officer is None or handler is None:
        return ["emergency plans: demo people missing, skipped"]
    staff, staff2 = users["staff"], users["staff2"]
    year = timezone.localdate().year
    lines = []

    # 1. A plan with two versions: v1 approved, exercised by a drill whose finding proposed a
    # change; adopted at the annual process review; v2 lists it and is now in force.
    leak = incident_services.plan_create(
        actor=officer,
        scenario=PlanScenario.DATA_LEAK,
        title="客户信息泄露应急预案",
        responsible_leader=officer,
        body=PLAN_TEXT,
        response_plan=ResponsePlan.objects.filter(category="data_security").first(),
    )
    v1 = incident_services.plan_version_approve(actor=officer, version=leak.versions.get())
    here = timezone.get_current_timezone()
    drill = services.drill_plan(
        year=year,
        title="预案第1版桌面推演：客户信息外传",
        scenario="测试环境数据被导出外传，检验预案第1版的定级与报告流程。",
        drill_type=Drill.Type.TABLETOP,
        incident_category="data_security",
        incident_grade="III",
        scheduled_at=max(
            dt.datetime(year, 1, 2, 10, 0, tzinfo=here),
            min(timezone.now() - dt.timedelta(days=45), dt.datetime(year, 12, 20, tzinfo=here)),
        ),
        coordinator=handler,
        objectives=[("2小时内完成首报审批", "报告在系统中进入已批准状态")],
        participants=[handler, users.get("handler2") or handler],
        plan_version=v1,
        actor=officer,
    )
    # The drill happened on its date: its case is opened then, so the case's steps can follow.
    with demo.played_at(drill.scheduled_at):
        services.drill_start(drill=drill, actor=handler)
        services.drill_assess_objective(
            objective=drill.objectives.get(),
            result=DrillObjective.Result.PARTIALLY_MET,
            notes="审批人休假，首报审批延误。",
            actor=handler,
        )
        finding = services.drill_add_finding(
            drill=drill,
            description="首报审批只有一名审批人，休假时无人替补。",
            owner=handler,
            due_at=drill.scheduled_at + dt.timedelta(days=30),
            plan_change="在预案“报告”一节中指定首报的替补审批人及其联系方式。",
            actor=handler,
        )
        services.drill_complete(
            drill=drill, summary="流程基本可行，审批环节需补充替补人。", actor=handler
        )
    # The drill's own case is worked like a real one (a completed drill never leaves a new,
    # ungraded case behind): the finding's rectification done and verified, the case graded,
    # handled, resolved, summarised and closed, its drill reports filed.
    from incidents.demo import file_due_reports, play_case

    item = finding.rectification
    if item is not None:
        with demo.played_at(drill.scheduled_at + dt.timedelta(days=2)):
            incident_services.rectification_complete(
                item=item, actor=handler, note="已在预案中指定首报的替补审批人。"
            )
        with demo.played_at(drill.scheduled_at + dt.timedelta(days=3)):
            incident_services.rectification_verify(
                item=item, actor=users.get("compliance2") or officer, note="已核对预案修订稿。"
            )
    drill.refresh_from_db()
    if drill.incident is not None:  # a drill without its own case (no grade to exercise)
        play_case(
            incident=drill.incident,
            case_state="closed",
            users=users,
            resolve_after=dt.timedelta(hours=3),
        )
    file_due_reports(
        reports=drill.regulatory_reports.all(), author=officer, until=timezone.now(), users=users
    )
    meeting = _review_meeting(officer, year)
    incident_services.plan_change_decide(
        actor=officer, change=finding.plan_change, adopt=True, meeting=meeting
    )
    governance_services.meeting_adopt_change(
        actor=officer,
        meeting=meeting,
        kind="process",
        description="数据共享登记须在共享前由数据权属部门确认数据级别。",
        source_label="季度数据安全工作会议",
    )
    v2 = incident_services.plan_version_draft(
        actor=officer,
        plan=leak,
        body=PLAN_TEXT + "\n五、替补：首报审批人不在岗时，由合规部副职审批。",
        change_list="更新应急联系人名单。",
    )
    incident_services.plan_version_approve(actor=officer, version=v2)
    lines.append(f"emergency plans: {leak.title} v1 → v2 (drill {drill.title})")

    ransom = incident_services.plan_create(
        actor=officer,
        scenario=PlanScenario.RANSOMWARE,
        title="勒索软件事件应急预案",
        responsible_leader=users.get("compliance2") or officer,
        body="一、隔离受感染主机；二、切换灾备；三、取证与报告；四、恢复与复盘。",
    )
    lines.append(f"emergency plans: {ransom.title} v1 draft awaiting approval")

    # 2. A campaign, launched to all staff; two recipients acknowledged it.
    today = timezone.localdate()
    campaign = services.campaign_create(
        actor=officer,
        topic="识别钓鱼邮件，主动报告可疑情况",
        message=(
            "近期出现仿冒 OA 登录页的钓鱼邮件。请勿点击邮件中的链接；发现可疑情况，"
            "请通过“报告可疑情况”提交，可选择保密或匿名。"
        ),
        channel=CampaignChannel.EMAIL,
        starts_on=today - dt.timedelta(days=7),
        ends_on=today + dt.timedelta(days=21),
        audience_all=True,
    )
    services.campaign_launch(actor=officer, campaign=campaign)
    for person in (staff, handler):
        services.campaign_acknowledge(actor=person, campaign=campaign)
    lines.append(f"awareness: {campaign.topic} ({campaign.receipts.count()} reached)")

    # 3. A confidential and an anonymous concern, each with a reply.
    confidential = incident_services.concern_submit(
        reporter=staff2,
        summary="同事在共享盘存放未脱敏客户名单",
        details="共享盘“市场部/临时”目录下有含身份证号的客户名单。",
        confidentiality=Concern.Confidentiality.CONFIDENTIAL,
    )
    incident_services.concern_message_add(
        actor=handler, concern=confidential, body="已收到，正在核查目录权限，感谢报告。"
    )
    anonymous = incident_services.concern_submit(
        reporter=staff,
        summary="收到仿冒 OA 登录页的邮件",
        details="邮件发件人伪装为信息技术部，链接指向外部域名。",
        confidentiality=Concern.Confidentiality.ANONYMOUS,
    )
    incident_services.concern_message_add(
        actor=handler, concern=anonymous, body="已拦截该发件域名。能否提供收到邮件的大致时间？"
    )
    incident_services.concern_follow_add(
        code=anonymous.follow_code, body="大约在昨天上午十点左右收到。"
    )
    lines.append(f"concerns: confidential and anonymous (demo code {anonymous.follow_code})")
    return lines
