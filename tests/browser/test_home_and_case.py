"""Issue 18, the home per role and the incident page, in Debian's Chromium (headless):

- each role's home shows its panels (screenshots home-<role>.png);
- a handler sees the case's report clocks on the case page (recipient, stage, status and a
  countdown; the nearest in the header), opens "mark resolved" in place (htmx) and states the
  containment and resolution times it asks for.
"""

import datetime as dt

import pytest
from django.utils import timezone

from .conftest import journey, shoot, sign_in

pytestmark = [pytest.mark.browser, journey]


@pytest.fixture
def graded_case(handler):
    from incidents import services

    incident = services.incident_create(
        actor=handler,
        title="集中交易系统中断",
        category="equipment_failure",
        source="internal",
        description="交易时段集中交易系统全部中断。",
        discovered_at=timezone.now() - dt.timedelta(minutes=20),
        assignee=handler,
        team=handler.department,
        cii_involved=True,
        affected_systems=[
            {
                "name": "集中交易系统",
                "category": "trading",
                "is_cii": True,
                "outage_minutes": 45,
                "main_function_outage_minutes": 45,
            }
        ],
    )
    services.incident_grade(incident=incident, actor=handler, reason="")
    incident.refresh_from_db()
    return incident


def test_handler_sees_the_report_clocks_and_states_the_times(page, handler, graded_case):
    from reporting.models import RegulatoryReport

    owed = RegulatoryReport.objects.filter(incident=graded_case).count()
    assert owed, "grading opened no report: the journey needs one"
    sign_in(page, handler.username)
    page.goto(graded_case.get_absolute_url())
    header = page.locator("#header")
    assert graded_case.reference in header.inner_text()
    # The nearest clock in the header, as a countdown.
    clock = page.locator("#nearest-clock .countdown")
    clock.wait_for(state="visible")
    assert "剩余" in clock.inner_text() or "逾期" in clock.inner_text()
    # Every report of the case, with recipient, stage, status and countdown, linked.
    rows = page.locator("#reporting tr.report-clock")
    assert rows.count() == owed
    text = page.locator("#reporting").inner_text()
    assert "首报" in text and "证监" in text and "草稿" in text
    assert rows.first.locator(".countdown").count() == 1
    shoot(page, "case-page-report-clocks")
    rows.first.locator("a").first.click()
    page.wait_for_load_state()
    assert "/reporting/" in page.url

    # Start handling, then "mark resolved" opens in place and asks for both times.
    page.goto(graded_case.get_absolute_url())
    page.locator("#case-actions button", has_text="开始处置").click()
    page.wait_for_load_state()
    page.locator("#case-actions a", has_text="标记为已处置").click()
    form = page.locator("#case-actions form")
    form.wait_for(state="visible")
    assert page.url.endswith(graded_case.get_absolute_url())  # opened in place
    assert "控制时间" in form.inner_text() and "处置完成时间" in form.inner_text()
    now = timezone.localtime()
    form.locator("[name=contained_at]").fill(
        (now - dt.timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M")
    )
    form.locator("[name=resolved_at]").fill(
        (now - dt.timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M")
    )
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "已处置" in page.locator("#header").inner_text()
    contained = (now - dt.timedelta(minutes=10)).strftime("%Y-%m-%d %H:%M")
    assert contained in page.locator("#summary").inner_text()


HOME_PANELS = {
    "officer": [
        "reporting.due_soon",
        "reporting.approvals",
        "governance.obligations",
        "governance.expiring",
        "incidents.by_grade",
    ],
    "handler": ["incidents.my_cases", "incidents.my_work", "notifications.unread"],
    "staff": ["training.my_trainings", "incidents.my_rectifications", "incidents.my_concerns"],
    "auditor": ["audit.recent", "audit.chain", "audit.exports"],
}


@pytest.mark.parametrize("role", list(HOME_PANELS))
def test_each_role_has_its_home(page, request, role, officer, handler, staff, auditor, graded_case):
    user = {"officer": officer, "handler": handler, "staff": staff, "auditor": auditor}[role]
    sign_in(page, user.username)
    page.goto("/")
    panels = page.locator("[data-panel]")
    panels.first.wait_for(state="visible")
    assert [panels.nth(i).get_attribute("data-panel") for i in range(panels.count())] == (
        HOME_PANELS[role]
    )
    if role == "handler":
        cases = page.locator('[data-panel="incidents.my_cases"]')
        assert graded_case.reference in cases.inner_text()
        assert cases.locator(".countdown").count() >= 1
    if role == "officer":
        page.locator('[data-panel="incidents.by_grade"] svg').first.wait_for(state="attached")
    if role == "auditor":
        assert "哈希链完整" in page.locator('[data-panel="audit.chain"]').inner_text()
    # Every panel says something: its rows or an empty state that says what to do next.
    for i in range(panels.count()):
        assert panels.nth(i).locator(".card-body").inner_text().strip()
    shoot(page, f"home-{role}")
