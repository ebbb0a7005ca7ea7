"""Three journeys as people make them, in Chinese, in Debian's Chromium (headless):

(a) a compliance officer records a counterparty and an agreement in the admin, a second officer
    approves it, and the first sees its renewal (expiry) deadline;
(b) a handler logs an incident, sees the proposed grade and confirms it, drafts the initial
    report, a compliance officer approves it (four eyes), the handler records the submission;
(c) a staff member opens My trainings, reads the material, passes the quiz and downloads the
    certificate (a PDF).
"""

import datetime as dt
import re

import pytest
from django.utils import timezone

from .conftest import journey, shoot, sign_in

pytestmark = [pytest.mark.browser, journey]


def credit_code(body8: str, prefix: str = "91310000") -> str:
    """A valid unified social credit code (GB 32100-2015) for a made-up institution."""
    from governance.validators import credit_code_check_char, organisation_code_check_char

    first17 = prefix + body8 + organisation_code_check_char(body8)
    return first17 + credit_code_check_char(first17)


A_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def expect_text(page, selector: str, text: str):
    """Wait until `selector` shows `text` (a readable assertion on failure)."""
    loc = page.locator(selector, has_text=text).first
    loc.wait_for(state="visible")
    return loc


def admin_action(page, changelist: str, row_text: str, action: str):
    """Tick one row of an admin changelist and run an action on it."""
    page.goto(changelist)
    row = page.locator("#result_list tbody tr", has_text=row_text)
    row.locator("input.action-select").check()
    page.select_option("select[name=action]", action)
    page.click("button[name=index]")
    page.wait_for_load_state()


# --- (a) ----------------------------------------------------------------------------------------


def test_officer_records_counterparty_and_agreement_and_sees_renewal_deadline(
    page, officer, officer2
):
    today = timezone.localdate()
    starts, ends = today - dt.timedelta(days=10), today + dt.timedelta(days=200)

    sign_in(page, officer.username)
    page.goto("/admin/governance/counterparty/add/")
    assert "增加" in page.title() or "添加" in page.title(), page.title()
    page.select_option("#id_kind", "operating")
    page.fill("#id_name", "华东数据服务有限公司")
    page.fill("#id_short_name", "华东数据")
    page.fill("#id_credit_code", credit_code("E2E00001"))
    page.click("button[name=_save]")
    expect_text(page, "li", "华东数据服务有限公司")

    page.goto("/admin/governance/cooperationagreement/add/")
    page.fill("#id_reference", "XY-E2E-0001")
    page.fill("#id_title", "行情数据共享合作协议")
    page.locator("#id_counterparty + .select2 .select2-selection").click()
    page.fill(".select2-container--open .select2-search__field", "华东")
    page.locator(".select2-results__option", has_text="华东数据服务有限公司").click()
    page.select_option("#id_scope", "external")
    page.select_option("#id_firm_role", "provider")
    page.select_option("#id_counterparty_role", "recipient")
    page.fill("#id_data_categories", "行情数据、交易统计数据")
    page.fill("#id_permissions", "仅限查询与统计分析，不得对外提供")
    page.fill("#id_firm_responsibilities", "按约定频率提供脱敏数据")
    page.fill("#id_counterparty_responsibilities", "落实数据安全保护措施，发生事件1小时内通知")
    page.fill("#id_starts_on", starts.isoformat())
    page.fill("#id_ends_on", ends.isoformat())
    page.select_option("#id_max_data_level", "2")
    page.select_option("#id_max_sharing_tier", "restricted")
    page.set_input_files(
        "#id_document",
        files=[{"name": "agreement.pdf", "mimeType": "application/pdf", "buffer": A_PDF}],
    )
    page.select_option("#id_owner", str(officer.pk))
    page.click("button[name=_save]")
    expect_text(page, "li", "XY-E2E-0001")

    admin_action(page, "/admin/governance/cooperationagreement/", "XY-E2E-0001", "submit")
    expect_text(page, "li", "(1)")

    # Four eyes: the owner may not approve; a second officer does.
    sign_in(page, officer2.username)
    admin_action(page, "/admin/governance/cooperationagreement/", "XY-E2E-0001", "approve")
    expect_text(page, "li", "(1)")

    sign_in(page, officer.username)
    page.goto("/governance/agreements/")
    page.locator("a", has_text="XY-E2E-0001").first.click()
    page.wait_for_load_state()
    deadline = f"协议 XY-E2E-0001 于 {ends.isoformat()} 到期"
    expect_text(page, "li", deadline)
    body = page.inner_text("body")
    assert "期限" in body and "华东数据服务有限公司" in body
    assert f"{starts:%Y-%m-%d} – {ends:%Y-%m-%d}" in body
    shoot(page, "journey-a-agreement-renewal-deadline")


# --- (b) ----------------------------------------------------------------------------------------


def test_handler_logs_grades_reports_gets_approval_and_records_submission(page, handler, officer):
    sign_in(page, handler.username)
    page.goto("/incidents/new/")
    assert "新建事件" in page.inner_text("h1")
    page.fill("#id_title", "集中交易系统中断")
    page.select_option("#id_category", "equipment_failure")
    page.select_option("#id_source", "internal")
    page.fill("#id_description", "交易时段集中交易系统全部中断，客户无法委托。")
    discovered = timezone.localtime() - dt.timedelta(minutes=20)
    page.fill("#id_discovered_at", discovered.strftime("%Y-%m-%dT%H:%M"))
    page.select_option("#id_assignee", str(handler.pk))
    page.check("#id_cii_involved")
    page.fill("#id_systems-0-name", "集中交易系统")
    page.select_option("#id_systems-0-category", "trading")
    page.check("#id_systems-0-is_cii")
    page.fill("#id_systems-0-outage_minutes", "45")
    page.fill("#id_systems-0-main_function_outage_minutes", "45")
    page.click("form.form button[type=submit]")
    created = expect_text(page, ".messages, .messagelist, body", "已创建事件")
    reference = re.search(r"已创建事件 (\S+?)。", created.inner_text()).group(1)

    # The proposal, from the active criteria, then the handler confirms it.
    proposal = expect_text(page, "#grade p", "建议定为")
    proposed = re.search(r"建议定为 (I{1,3}|IV) 级", proposal.inner_text()).group(1)
    # The grading form opens in place from its form class, then the handler records it.
    page.locator("#grade a", has_text="确认定级").click()
    page.locator("#grade form button[type=submit]").click()
    expect_text(page, "body", "已记录定级")
    assert page.locator("#grade table").inner_text().count(proposed) >= 1

    # The grade opened the initial reports on the deadline engine; the handler drafts the one
    # to the CSRC local branch (证监局).
    page.goto("/reporting/")
    row = page.locator("table tbody tr", has_text=reference).filter(has_text="首报")
    row.filter(has_text="证监局").locator("a").first.click()
    page.wait_for_load_state()
    report_url = page.url
    page.locator("a", has_text="编辑草稿").click()
    page.fill("#id_measures", "已切换至同城备份交易系统，恢复委托。")
    page.fill("#id_cause", "核心交换机故障，原因仍在排查。")
    page.click("form.card button[type=submit]")
    expect_text(page, "body", "草稿已保存")
    page.locator("button", has_text="提交审批").click()
    expect_text(page, "body", "已提交审批")

    # A second user (a compliance officer) approves: four eyes.
    sign_in(page, officer.username)
    page.goto(report_url)
    page.locator("button", has_text="审批并冻结").click()
    expect_text(page, "body", "已批准")

    # The handler records how and when it went to the regulator.
    sign_in(page, handler.username)
    page.goto(report_url)
    form = page.locator("form[action$='/submit/']")
    page.select_option("#id_channel", index=1)
    form.locator("#id_receipt_number").fill("ZJJ-2026-0001")
    form.locator("button[type=submit]").click()
    expect_text(page, "body", "报送已登记")
    submissions = page.locator("table").last.inner_text()
    assert "ZJJ-2026-0001" in submissions and "李处置" in submissions
    assert "证监局" in page.inner_text("h1")
    shoot(page, "journey-b-report-submitted")


# --- (c) ----------------------------------------------------------------------------------------


@pytest.fixture
def quiz_assignment(officer, staff):
    """A published course with a text material and two questions, assigned to `staff`."""
    from training import services
    from training.models import Topic, TrainingAssignment

    year = timezone.localdate().year
    plan = services.plan_create(year=year, title=f"{year}年度培训计划", actor=officer)
    services.course_create(
        plan=plan,
        title="全员必修",
        topics=list(Topic.values),
        due_date=dt.date(year, 12, 31),
        audience_all=True,
        actor=officer,
    )
    services.plan_approve(plan=plan, actor=officer)
    course = services.course_create(
        plan=plan,
        title="数据安全基础",
        topics=[Topic.LAWS_AND_RULES],
        due_date=dt.date(year, 12, 31),
        pass_mark=60,
        max_attempts=2,
        audience_users=[staff],
        actor=officer,
    )
    services.material_add(
        course=course,
        kind="text",
        title="数据分类分级要点",
        body="<p>数据按敏感程度分为四级，第4级最敏感。</p>",
        actor=officer,
    )
    services.question_add(
        course=course,
        text="最敏感的数据级别是哪一级？",
        choices=[("第4级", True), ("第1级", False)],
        actor=officer,
    )
    services.question_add(
        course=course,
        text="发现数据泄露应当怎么做？",
        choices=[("立即报告合规部门", True), ("自行删除日志", False)],
        actor=officer,
    )
    services.course_publish(course=course, actor=officer, enqueue=False)
    services.assignments_generate(course=course)
    return TrainingAssignment.objects.get(course=course, user=staff)


RIGHT_ANSWERS = ("第4级", "立即报告合规部门")


def test_staff_passes_quiz_and_downloads_certificate(page, staff, quiz_assignment):
    sign_in(page, staff.username)
    page.locator("nav a, header a", has_text="我的培训").first.click()
    page.wait_for_load_state()
    assert "我的培训" in page.inner_text("h1")
    page.locator("a", has_text="数据安全基础").first.click()
    page.wait_for_load_state()

    # The page states what completes the course; reading alone does not, and no certificate
    # is offered before it is completed.
    expect_text(page, "#completion", "通过测验（60分及以上）")
    assert page.locator("a", has_text="证书").count() == 0
    page.locator("button", has_text="标记为已阅读").click()
    expect_text(page, ".badge", "已阅读")
    assert page.locator("a", has_text="证书").count() == 0
    page.locator("button", has_text="参加测验").click()
    page.wait_for_load_state()
    for answer in RIGHT_ANSWERS:
        page.get_by_label(answer).check()
    page.locator("button", has_text="提交答案").click()
    expect_text(page, ".badge", "通过")

    # The result page leads straight to the certificate.
    link = page.locator("#result a", has_text="下载证书（PDF）")
    href = link.get_attribute("href")
    response = page.request.get(href)  # the browser's own session
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert body.startswith(b"%PDF"), body[:20]
    with page.expect_download() as download_info:
        # Headless Chromium has no PDF viewer: following the link downloads the file.
        link.click(modifiers=["Alt"])
    path = download_info.value.path()
    with open(path, "rb") as fh:
        assert fh.read(5) == b"%PDF-"
    shoot(page, "journey-c-training-certificate")
