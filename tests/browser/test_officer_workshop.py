"""Issue 18, points 4 and 5, in Debian's Chromium: an officer creates a counterparty and an
agreement from the product's own pages, by following links (no typed URL after the agreements
list), a second officer is told and approves; the themed admin in Chinese; the audit log with
labels, names, local times and filters. Screenshots of each page go to var/browser-screenshots/."""

import datetime as dt

import pytest
from django.utils import timezone

from .conftest import journey, shoot, sign_in
from .test_journeys import A_PDF, credit_code

pytestmark = [pytest.mark.browser, journey]


def test_officer_creates_counterparty_and_agreement_on_product_pages(page, officer, officer2):
    today = timezone.localdate()
    sign_in(page, officer.username)
    page.goto("/governance/agreements/")
    page.get_by_role("link", name="新建协议").click()
    page.wait_for_load_state()
    assert page.url.endswith("/governance/agreements/new/")
    page.get_by_role("link", name="新建合作方").click()
    page.wait_for_load_state()
    page.select_option("#id_kind", "operating")
    page.fill("#id_name", "华东数据服务有限公司")
    page.fill("#id_short_name", "华东数据")
    page.fill("#id_credit_code", credit_code("E2E00002"))
    shoot(page, "workshop-counterparty-form")
    page.get_by_role("button", name="创建合作方").click()
    page.wait_for_load_state()
    # Back on the agreement form, the new counterparty already chosen.
    assert "/governance/agreements/new/" in page.url
    assert page.locator("#id_counterparty option:checked").inner_text() == "华东数据服务有限公司"
    assert "已创建合作方" in page.inner_text("body")

    page.fill("#id_title", "行情数据共享合作协议")
    page.select_option("#id_scope", "external")
    page.select_option("#id_firm_role", "provider")
    page.select_option("#id_counterparty_role", "recipient")
    page.fill("#id_starts_on", today.isoformat())
    page.fill("#id_ends_on", (today + dt.timedelta(days=365)).isoformat())
    page.select_option("#id_max_data_level", "2")
    page.select_option("#id_max_sharing_tier", "restricted")
    page.select_option("#id_area", "controlled")
    page.fill("#id_data_categories", "行情数据、交易统计数据")
    page.fill("#id_permissions", "仅限查询与统计分析，不得对外提供")
    page.fill("#id_firm_responsibilities", "按约定频率提供脱敏数据")
    page.fill("#id_counterparty_responsibilities", "落实数据安全保护措施")
    page.set_input_files(
        "#id_document",
        files=[{"name": "agreement.pdf", "mimeType": "application/pdf", "buffer": A_PDF}],
    )
    shoot(page, "workshop-agreement-form")
    page.get_by_role("button", name="创建协议").click()
    page.wait_for_load_state()
    body = page.inner_text("body")
    assert "行情数据共享合作协议" in body and "华东数据服务有限公司" in body
    agreement_url = page.url
    page.get_by_role("button", name="提交审批").click()
    page.wait_for_load_state()

    # The worker delivers the notices (no worker runs beside the test server).
    from notifications.delivery import deliver_batch
    from notifications.models import Outbox

    deliver_batch(list(Outbox.objects.values_list("id", flat=True)))

    # The second officer finds it in the inbox and approves it on its page.
    sign_in(page, officer2.username)
    page.goto("/notifications/")
    page.locator("a", has_text="华东数据服务有限公司").first.click()
    page.wait_for_load_state()
    assert page.url.split("?")[0].rstrip("/") == agreement_url.split("?")[0].rstrip("/")
    page.get_by_role("button", name="批准").click()
    page.wait_for_load_state()
    assert "已批准" in page.inner_text("body") or "生效" in page.inner_text("body")


def test_admin_and_audit_log_screens(page, administrator, officer, handler):
    sign_in(page, administrator.username)
    page.goto("/admin/")
    body = page.inner_text("body")
    for name in ("登录锁定", "后台任务结果", "双因素认证", "定时任务"):
        assert name in body, name
    for english in ("Access attempts", "Task results", "TOTP devices", "AXES"):
        assert english not in body, english
    shoot(page, "workshop-admin-index")
    page.goto("/admin/deadlines/reminderpolicy/")
    assert "提前30分钟提醒，到期时通知，逾期1小时后升级，之后每2小时升级" in page.inner_text("body")
    shoot(page, "workshop-admin-changelist")
    page.goto("/admin/governance/cooperationagreement/add/")
    shoot(page, "workshop-admin-agreement-add")

    # A change made at 20:05 Beijing time reads 20:05 in the log.
    from audit.context import Channel, acting_as, channel

    with acting_as(administrator), channel(Channel.ADMIN):
        handler.date_joined = dt.datetime(2026, 3, 2, 12, 5, tzinfo=dt.UTC)
        handler.manager = None  # was the officer: the log names them, with a link
        handler.save()
    page.goto("/audit/")
    page.fill("#id_actor", administrator.username)
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    body = page.inner_text("body")
    assert "2026-03-02 20:05" in body and "2026-03-02 12:05" not in body
    assert str(officer) in body
    shoot(page, "workshop-audit-log")
    # The channel and action read on one line each (they wrapped one character a line).
    lines = """cell => {
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        const tops = new Set();
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            if (!node.textContent.trim()) continue;
            const range = document.createRange();
            range.selectNodeContents(node);
            for (const rect of range.getClientRects()) tops.add(Math.round(rect.top));
        }
        return tops.size;
    }"""
    for selector in ("td.audit-channel", "td.audit-action"):
        assert page.locator(selector).first.evaluate(lines) == 1, selector
