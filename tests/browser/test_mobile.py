"""Staff open their work from a WeCom or e-mail message on a phone (issue 18, point 9): on a
390-px-wide screen, in Debian's Chromium, the staff member of the demo firm opens the inbox,
follows the rectification notification to a page that answers 200, then My trainings, a course,
the quiz (taken and passed), the certificate, the concern form and My concerns, and My
rectification items. No page is wider than the screen (document.scrollingElement.scrollWidth
<= 390); each is saved to var/browser-screenshots/mobile-*.png for a person to look at."""

import pytest
from django.core.management import call_command

from .conftest import SCREENSHOTS, journey, sign_in

pytestmark = [pytest.mark.browser, journey]

WIDTH = 390


def fits(page, name: str):
    """The page is no wider than the phone's screen; its screenshot is kept."""
    page.wait_for_load_state()
    width = page.evaluate("document.scrollingElement.scrollWidth")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"mobile-{name}.png"), full_page=True)
    assert width <= WIDTH, f"{name}: {page.url} is {width}px wide on a {WIDTH}px screen"


def test_staff_works_from_a_phone(chromium, live_app):
    from accounts.demo import DEMO_PASSWORD
    from notifications.delivery import deliver_batch
    from notifications.models import Outbox
    from training.models import TrainingAssignment

    call_command("seed_demo", verbosity=0)
    # The worker's part: deliver the staff member's in-app messages to the inbox.
    pending = Outbox.objects.filter(recipient__username="staff", channel="inapp")
    deliver_batch(list(pending.values_list("pk", flat=True)))
    chromium.clear_cookies()
    page = chromium.new_page()
    page.set_viewport_size({"width": WIDTH, "height": 844})
    try:
        sign_in(page, "staff", DEMO_PASSWORD)
        fits(page, "home")

        # The inbox, and the rectification notification it holds: one tap lands on the item.
        response = page.goto("/notifications/")
        assert response.status == 200
        fits(page, "inbox")
        link = page.locator("main a", has_text="整改").first
        link.wait_for(state="visible")
        with page.expect_navigation() as nav:
            link.click()
        assert nav.value.status == 200
        assert "/incidents/my-rectifications/" in page.url
        page.locator("text=完成客户资料导出审批流程学习并签署承诺").first.wait_for()
        fits(page, "rectification-from-notification")

        # My trainings: a course under way, its quiz, the certificate once passed.
        assert page.goto("/training/").status == 200
        fits(page, "my-trainings")
        page.click("text=业务与合规岗位数据安全职责")
        page.locator("h2", has_text="完成条件").wait_for()
        fits(page, "course")
        page.click("button:has-text('参加测验')")
        page.locator("legend").first.wait_for()
        fits(page, "quiz")
        assignment = TrainingAssignment.objects.get(
            user__username="staff", course__title="业务与合规岗位数据安全职责"
        )
        attempt = assignment.attempts.order_by("-number").first()
        for row in attempt.answers.select_related("question").prefetch_related("question__choices"):
            for choice in row.question.choices.all():
                if choice.is_correct:
                    page.check(f"#q{row.question_id}-{choice.pk}")
        page.click("button:has-text('提交答案')")
        page.locator("#result .badge", has_text="通过").wait_for()
        fits(page, "quiz-result")
        certificate = page.locator("#result a", has_text="证书")
        href = certificate.get_attribute("href")
        pdf = page.request.get(href)
        assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
        assert page.goto("/training/").status == 200
        fits(page, "my-trainings-done")

        # Concerns: the form to report one, and the list of mine.
        assert page.goto("/incidents/concerns/new/").status == 200
        fits(page, "concern-new")
        assert page.goto("/incidents/concerns/mine/").status == 200
        page.locator("text=收到自称公司信息技术部的短信").first.wait_for()
        fits(page, "my-concerns")

        assert page.goto("/incidents/my-rectifications/").status == 200
        fits(page, "my-rectifications")
    finally:
        page.close()
