"""Demo training year, played at its own dates (core.demo.played_at): the plan approved in
January; the all-staff course due at the end of March, completed by nearly everyone (one
colleague passed at the second attempt); the technical course due at the end of June, one
trainee still overdue; the business-duties course assigned in November, due in two weeks and
under way. Every course completes on its stated condition (materials read, policy acknowledged
when asked, quiz passed). One drill done in the autumn — its case graded, handled, reported
(drill reports end at approval; the drill's report to the CSRC submitted) and closed — and one
planned."""

import datetime as dt
import random

from django.utils import timezone
from django.utils.timezone import get_current_timezone

from accounts.models import JobRole, User
from core import demo

from . import services
from .models import Drill, DrillObjective, Topic, TrainingAssignment, TrainingPlan

QUESTIONS_LAW = [
    (
        "数据安全事件发生后，应当在规定时限内向哪个机构报告？",
        "single",
        [("*中国证监会或其派出机构", True), ("行业协会", False), ("合作券商", False)],
    ),
    (
        "以下哪些属于违反数据安全职责可能带来的后果？",
        "multiple",
        [("*内部问责", True), ("*行政处罚", True), ("*刑事责任", True), ("获得奖励", False)],
    ),
    (
        "员工发现疑似数据泄露，第一步应当：",
        "single",
        [
            ("*立即通过“报告安全问题”渠道上报", True),
            ("自行在网上发帖求助", False),
            ("等待下一次例会再说", False),
        ],
    ),
    (
        "共享第3级数据前必须具备的条件有：",
        "multiple",
        [("*签订合作协议", True), ("*完成审批", True), ("口头同意即可", False)],
    ),
]
QUESTIONS_OPS = [
    (
        "传输第3级及以上数据时应当：",
        "single",
        [("*使用加密通道", True), ("使用个人邮箱", False), ("拷贝到个人移动硬盘", False)],
    ),
    (
        "应急处置的环节包括：",
        "multiple",
        [("*定级", True), ("*处置", True), ("*总结与报告", True), ("*整改", True)],
    ),
    (
        "演练形成的问题应当：",
        "single",
        [("*形成整改项并指定责任人和期限", True), ("记录在个人笔记中即可", False)],
    ),
]


QUESTIONS_DUTY = [
    (
        "使用客户数据时应当遵循的原则是：",
        "single",
        [("*最小必要", True), ("越多越好", False), ("先用后批", False)],
    ),
    (
        "发现同事违规外发客户资料，应当：",
        "single",
        [("*通过“报告安全问题”渠道报告", True), ("视而不见", False)],
    ),
]


def _questions(course, rows, officer):
    for text, kind, choices in rows:
        services.question_add(
            course=course,
            text=text,
            kind=kind,
            choices=[(c.lstrip("*"), ok) for c, ok in choices],
            actor=officer,
        )


def _pass_quiz(assignment, *, right: bool):
    attempt = services.quiz_start(
        assignment=assignment, actor=assignment.user, rng=random.Random(assignment.pk)
    )
    answers = {}
    for row in attempt.answers.select_related("question").prefetch_related("question__choices"):
        choices = list(row.question.choices.all())
        pick = [c.pk for c in choices if c.is_correct == right]
        if row.question.kind == "single":
            pick = pick[:1]
        answers[row.question_id] = pick
    return services.quiz_submit(attempt=attempt, answers=answers, actor=assignment.user)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=get_current_timezone())


def _take(course, user, *, on: dt.date, passes=(True,), feedback=None):
    """A trainee does the course on `on`: reads each material, acknowledges when asked, takes
    the quiz once per entry of `passes` (True: all right, False: all wrong)."""
    if _at(on, 15) >= timezone.now():
        return None
    a = TrainingAssignment.objects.get(course=course, user=user)
    with demo.played_at(_at(on, 14)):
        for material in course.materials.order_by("position", "id"):
            services.assignment_mark_read(assignment=a, material=material, actor=user)
        if course.acknowledgement_text:
            services.assignment_acknowledge(assignment=a, actor=user)
    for n, right in enumerate(passes):
        with demo.played_at(_at(on, 15) + dt.timedelta(minutes=20 * n)):
            _pass_quiz(a, right=right)
    if feedback:
        with demo.played_at(_at(on, 16)):
            services.feedback_submit(
                assignment=a, rating=feedback[0], comments=feedback[1], actor=user
            )
    return a


@demo.register(60, "training")
def seed_training():
    officer = User.objects.get(username="compliance")
    today = timezone.localdate()
    year = today.year
    if TrainingPlan.objects.filter(year=year).exists():
        return None
    jan = dt.date(year, 1, 1)
    with demo.played_at(_at(jan + dt.timedelta(days=6), 9)):
        plan = services.plan_create(
            year=year,
            title=f"{year}年度数据安全培训计划",
            description="按岗位开展数据安全培训，覆盖标准要求的五项内容，并对培训结果进行评价。",
            actor=officer,
        )
        law = services.course_create(
            plan=plan,
            title="数据安全法律法规、制度与行为规范",
            summary="全体员工必修：法律法规、国家与金融行业标准、公司制度、行为规范及违规后果。",
            topics=[Topic.LAWS_AND_RULES, Topic.ROLE_DUTIES, Topic.CONSEQUENCES],
            due_date=dt.date(year, 3, 31),
            duration_minutes=45,
            pass_mark=75,
            questions_per_attempt=3,
            max_attempts=2,
            acknowledgement_text="本人已阅读《数据安全管理办法》与《员工数据安全行为规范》，并承诺遵守。",
            audience_all=True,
            actor=officer,
        )
        services.material_add(
            course=law,
            kind="text",
            title="行为规范要点",
            body="<h3>基本要求</h3><ul><li>不得私自拷贝、外发监管数据</li>"
            "<li>发现问题及时报告</li></ul><script>alert(1)</script>",
            actor=officer,
        )
        services.material_add(
            course=law,
            kind="link",
            title="《证券期货业网络和信息安全管理办法》",
            url="https://www.csrc.gov.cn/",
            actor=officer,
        )
        _questions(law, QUESTIONS_LAW, officer)
        tech_roles = JobRole.objects.filter(
            code__in=["security-engineer", "data-admin", "developer"]
        )
        ops = services.course_create(
            plan=plan,
            title="防护措施、操作规程与事件处置流程",
            summary="技术岗位：数据防护措施、操作规程、应急处置与报告流程。",
            topics=[Topic.PROTECTIVE_MEASURES, Topic.INCIDENT_HANDLING, Topic.ROLE_DUTIES],
            due_date=dt.date(year, 6, 30),
            duration_minutes=90,
            pass_mark=80,
            max_attempts=3,
            audience_roles=tech_roles,
            actor=officer,
        )
        services.material_add(
            course=ops,
            kind="text",
            title="应急处置流程",
            body="<ol><li>定级</li><li>处置</li><li>总结</li><li>报告</li><li>整改</li></ol>",
            actor=officer,
        )
        _questions(ops, QUESTIONS_OPS, officer)
        biz_roles = JobRole.objects.exclude(
            code__in=["security-engineer", "data-admin", "developer"]
        )
        duty = services.course_create(
            plan=plan,
            title="业务与合规岗位数据安全职责",
            summary="业务与合规岗位：客户数据的使用边界、发现问题时的报告路径。",
            topics=[Topic.ROLE_DUTIES, Topic.CONSEQUENCES],
            due_date=max(dt.date(year, 12, 15), today + dt.timedelta(days=14)),
            duration_minutes=30,
            pass_mark=60,
            audience_roles=biz_roles,
            actor=officer,
        )
        services.material_add(
            course=duty,
            kind="text",
            title="岗位职责清单",
            body="<p>数据接触者应当按最小必要原则使用数据。</p>",
            actor=officer,
        )
        _questions(duty, QUESTIONS_DUTY, officer)
        services.plan_approve(plan=plan, actor=officer)
    # Each course goes out some weeks before it is due; the assignments carry its due date.
    for course, published in (
        (law, jan + dt.timedelta(days=9)),
        (ops, dt.date(year, 4, 1)),
        (duty, max(jan, today - dt.timedelta(days=20))),
    ):
        with demo.played_at(_at(published, 9)):
            services.course_publish(course=course, actor=officer, enqueue=False)
            services.assignments_generate(course=course)

    people = {u.username: u for u in User.objects.all()}
    feb = dt.date(year, 2, 1)
    for n, name in enumerate(
        ["compliance", "compliance2", "handler", "handler2", "auditor", "admin"]
    ):
        _take(law, people[name], on=feb + dt.timedelta(days=3 * n))
    _take(
        law,
        people["staff"],
        on=dt.date(year, 3, 12),
        feedback=(4, "案例很实用，希望增加更多实操演示。"),
    )
    _take(
        law,
        people["staff2"],
        on=dt.date(year, 3, 20),
        passes=(False, True),
        feedback=(3, "题目偏难。"),
    )
    for n, name in enumerate(["handler", "handler2", "staff2"]):
        _take(ops, people[name], on=dt.date(year, 5, 10) + dt.timedelta(days=7 * n))
    # admin (data administrator) has read the ops materials but not taken the quiz: overdue.
    late = TrainingAssignment.objects.get(course=ops, user=people["admin"])
    with demo.played_at(_at(dt.date(year, 6, 20), 11)):
        for material in ops.materials.all():
            services.assignment_mark_read(assignment=late, material=material, actor=late.user)
    _take(duty, people["compliance2"], on=today - dt.timedelta(days=6))
    # staff has started the business-duties course: materials read, the quiz still to take.
    mine = TrainingAssignment.objects.get(course=duty, user=people["staff"])
    with demo.played_at(timezone.now() - dt.timedelta(days=2)):
        for material in duty.materials.all():
            services.assignment_mark_read(assignment=mine, material=material, actor=mine.user)
    rows = TrainingAssignment.objects.filter(course__plan=plan)
    done = rows.filter(status=TrainingAssignment.Status.COMPLETED).count()
    return f"培训 3 门课程，完成 {done}/{rows.count()}"


@demo.register(61, "training drills")
def seed_drills():
    year = timezone.localdate().year
    if Drill.objects.filter(year=year).exists():
        return None
    return _seed_drills(User.objects.get(username="compliance"), year)


def _seed_drills(officer, year):
    users = {u.username: u for u in User.objects.all()}
    handler, handler2 = users["handler"], users["handler2"]
    now = timezone.now()
    here = get_current_timezone()
    first = dt.datetime(year, 1, 2, 10, 0, tzinfo=here)
    day = timezone.localtime(max(first, now - dt.timedelta(days=70))).date()
    when = dt.datetime(day.year, day.month, day.day, 9, 30, tzinfo=here)
    with demo.played_at(when - dt.timedelta(days=30)):
        done = services.drill_plan(
            year=year,
            title="客户信息泄露桌面推演",
            scenario="外包人员通过测试环境导出含客户身份信息的数据并外传，涉及约1.2万名投资者。",
            drill_type=Drill.Type.TABLETOP,
            incident_category="data_security",
            incident_grade="III",
            scheduled_at=when,
            coordinator=handler,
            objectives=[
                ("30分钟内完成初步定级", "定级结论及依据记录在案件中"),
                ("2小时内完成首报草稿并通过审批", "报告在系统中进入已批准状态"),
            ],
            participants=[handler, handler2, users["staff2"]],
            observers=[users["auditor"]],
            actor=officer,
        )
    with demo.played_at(when):
        services.drill_start(drill=done, actor=handler)
    done.refresh_from_db()
    return _finish_drill(done, users, when, officer, now)


def _finish_drill(done, users, when, officer, now):
    from incidents import services as incident_services
    from incidents.demo import file_due_reports, play_case

    handler = users["handler"]
    objectives = list(done.objectives.order_by("position"))
    with demo.played_at(when + dt.timedelta(hours=3, minutes=30)):
        services.drill_assess_objective(
            objective=objectives[0], result=DrillObjective.Result.MET, actor=handler
        )
        services.drill_assess_objective(
            objective=objectives[1],
            result=DrillObjective.Result.PARTIALLY_MET,
            notes="首报审批耗时2.5小时，超出目标。",
            actor=handler,
        )
        services.drill_add_finding(
            drill=done,
            objective=objectives[1],
            description="审批链路只有一名审批人，休假时无人替补。",
            owner=handler,
            due_at=when + dt.timedelta(days=30),
            actor=handler,
        )
        services.drill_complete(
            drill=done,
            summary="团队按流程完成定级、处置与报告，首报审批环节需要增加替补审批人。",
            lessons="明确替补审批人；预置报告模板。",
            actor=handler,
        )
    # The finding's rectification: done and verified within the month.
    item = done.findings.get().rectification
    if item is not None:
        with demo.played_at(when + dt.timedelta(days=20)):
            incident_services.rectification_complete(
                item=item, actor=handler, note="已在审批流程中增加替补审批人赵审核。"
            )
        with demo.played_at(when + dt.timedelta(days=21)):
            incident_services.rectification_verify(
                item=item, actor=users["compliance2"], note="已核对审批配置。"
            )
    # The drill's case is worked like a real one, at drill pace: graded, handled, its (drill)
    # reports approved, resolved within the morning, summarised and closed once the finding's
    # rectification is verified.
    play_case(
        incident=done.incident,
        case_state="closed",
        users=users,
        resolve_after=dt.timedelta(hours=3),
    )
    # The drill's report to the CSRC (Order 218 Art. 38), filed before its deadline.
    file_due_reports(reports=done.regulatory_reports.all(), author=officer, until=now, users=users)
    here = get_current_timezone()
    last = dt.datetime(done.year, 12, 20, 10, 0, tzinfo=here)
    planned_at = min(max(now + dt.timedelta(days=45), now), max(last, now + dt.timedelta(days=7)))
    planned = services.drill_plan(
        year=done.year,
        title="交易系统勒索软件功能演练",
        scenario="核心交易系统所在服务器被勒索软件加密，需切换至灾备环境并完成报告。",
        drill_type=Drill.Type.FUNCTIONAL,
        incident_category="malware",
        incident_grade="II",
        scheduled_at=min(now + dt.timedelta(days=14), planned_at),
        coordinator=users["handler2"],
        objectives=[("4小时内完成灾备切换", "交易恢复且数据一致性核对通过")],
        participants=[handler, users["handler2"]],
        observers=[officer],
        actor=officer,
    )
    return f"演练 2 次（{done.title} 已完成，{planned.title} 计划中）"
