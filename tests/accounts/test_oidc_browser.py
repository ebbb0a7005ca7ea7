"""OpenID Connect sign-in in a real browser: Chromium on the product served by its own process
(as tests/browser/ does) with OIDC configured from the environment, and the real OpenID provider.
A person clicks 使用统一身份认证登录, signs in and approves at the provider, lands signed in; a
person who declines lands on the Chinese page that says what to do. Screenshots of both pages
are kept under var/browser-screenshots/."""

import pytest

from tests.accounts import oidc_provider

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        bool(oidc_provider.missing_reason()), reason=oidc_provider.missing_reason() or "-"
    ),
]


@pytest.fixture(scope="module", autouse=True)
def _post_migrate_after_journey(django_db_blocker):
    """As tests/browser/conftest.py: a serialized-rollback flush skips post_migrate, which later
    transactional tests expect."""
    yield
    from django.core.management.sql import emit_post_migrate_signal

    with django_db_blocker.unblock():
        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")


@pytest.fixture
def product_with_oidc(tmp_path, monkeypatch):
    from django.db import connection

    from tests.browser.conftest import LiveServer, _chromium_or_skip

    _chromium_or_skip()
    if connection.vendor != "postgresql":
        pytest.skip("the browser journey needs PostgreSQL (the server process shares the test DB)")
    server = LiveServer(database_name=connection.settings_dict["NAME"], workdir=tmp_path)
    provider = oidc_provider.start(
        tmp_path / "provider", redirect_uri=f"{server.url}/oidc/callback/"
    )
    for name, value in provider.env().items():
        monkeypatch.setenv(name, value)
    try:
        server.start()
        yield server, provider
    finally:
        server.stop()
        oidc_provider.stop(provider)


def test_sign_in_through_the_provider_and_decline(product_with_oidc):
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, shoot

    server, provider = product_with_oidc
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(
                locale="zh-CN", viewport={"width": 1280, "height": 900}, base_url=server.url
            )
            context.set_default_timeout(TIMEOUT_MS)
            page = context.new_page()
            page.goto("/accounts/login/")
            button = page.get_by_role("link", name="使用统一身份认证登录")
            assert button.is_visible()
            shoot(page, "oidc-sign-in-page")

            button.click()
            assert page.url.startswith(provider.issuer)
            page.fill("input[name=login]", "zhangwei")
            page.fill("input[name=password]", "zhangwei-pw")
            page.get_by_role("button", name="登录").click()
            page.get_by_role("button", name="同意").click()
            page.wait_for_url(f"{server.url}/")
            assert "张伟" in page.content()  # signed in, the name from the provider shown
            response = page.goto("/incidents/")
            assert response is not None and response.status == 200
            assert "/accounts/login/" not in page.url
            context.close()

            context = browser.new_context(
                locale="zh-CN", viewport={"width": 1280, "height": 900}, base_url=server.url
            )
            context.set_default_timeout(TIMEOUT_MS)
            page = context.new_page()
            page.goto("/accounts/login/")
            page.get_by_role("link", name="使用统一身份认证登录").click()
            page.fill("input[name=login]", "zhangwei")
            page.fill("input[name=password]", "zhangwei-pw")
            page.get_by_role("button", name="登录").click()
            page.get_by_role("button", name="拒绝").click()
            page.wait_for_url(f"{server.url}/oidc/failed/?reason=denied")
            assert page.get_by_role("heading", name="登录已取消").is_visible()
            assert "请重新开始，并在统一身份认证页面上同意授权" in page.content()
            shoot(page, "oidc-sign-in-cancelled")
            page.get_by_role("link", name="返回登录页面").click()
            page.wait_for_url(f"{server.url}/accounts/login/")
            context.close()
        finally:
            browser.close()
