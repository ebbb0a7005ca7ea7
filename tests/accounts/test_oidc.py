"""OpenID Connect sign-in against a real OpenID provider (issue 21.1, second option): the
authorization-code flow with panva's oidc-provider, groups claim -> role, a removal taking the role
away at the next sign-in, TOTP still required for privileged roles, accounts the provider refuses,
declined consent and forged answers on a Chinese page, break-glass local accounts."""

import importlib
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import clear_url_caches, reverse

import config.urls
from accounts.models import User
from accounts.oidc_config import oidc_settings
from accounts.roles import Role, assign_role, user_roles
from tests.accounts import oidc_provider

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        bool(oidc_provider.missing_reason()), reason=oidc_provider.missing_reason() or "-"
    ),
]

BUTTON = "使用统一身份认证登录"


def _reload_urls():
    # config/urls.py mounts the OpenID routes only when configured, as at start-up.
    importlib.reload(config.urls)
    clear_url_caches()


@pytest.fixture
def provider(tmp_path):
    server = oidc_provider.start(tmp_path / "provider")
    try:
        yield server
    finally:
        oidc_provider.stop(server)


@contextmanager
def configured(env):
    """OpenID Connect on, as the environment `env` would set it at start-up (settings and
    routes); off again afterwards."""
    try:
        with override_settings(**oidc_settings(env, list(settings.AUTHENTICATION_BACKENDS))):
            _reload_urls()
            yield
    finally:
        _reload_urls()


@pytest.fixture
def oidc_on(provider):
    with configured(provider.env()):
        yield provider


def start_sign_in(client, next_url=""):
    response = client.get(reverse("oidc:sign-in") + (f"?next={next_url}" if next_url else ""))
    assert response.status_code == 302
    return response["Location"]


def sign_in(client, login, *, password="", consent=True):
    """The whole journey: the application's button, the provider's pages, back to the application
    (following the application's redirects). Returns the application's last response."""
    authorize = start_sign_in(client)
    visit = oidc_provider.through_provider(
        authorize, login=login, password=password or f"{login}-pw", consent=consent
    )
    assert visit.back, f"the provider kept the user on its page: {visit.page[:300]}"
    return client.get(visit.back, follow=True)


def signed_in_as(client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def fresh_roles(username) -> set[str]:
    return user_roles(User.objects.get(username=username))


def test_sign_in_page_offers_the_provider_only_when_configured(client, provider):
    page = client.get(reverse("login")).content.decode()
    assert BUTTON not in page
    assert client.get("/oidc/authenticate/").status_code == 404
    with configured(provider.env()):
        page = client.get(reverse("login") + "?next=/incidents/").content.decode()
        assert BUTTON in page
        assert 'href="/oidc/authenticate/?next=%2Fincidents%2F"' in page


def test_handlers_group_member_signs_in_as_handler_with_provider_details(client, oidc_on):
    authorize = start_sign_in(client)
    # the application sends the browser to the provider with PKCE, state and nonce
    assert authorize.startswith(f"{oidc_on.issuer}/auth?")
    for part in ("code_challenge=", "state=", "nonce=", "scope=openid+email+profile+groups"):
        assert part in authorize
    visit = oidc_provider.through_provider(authorize, login="zhangwei", password="zhangwei-pw")
    assert visit.back.startswith("/oidc/callback/?code=")
    response = client.get(visit.back)
    assert response.status_code == 302 and response["Location"] == reverse("home")

    user = signed_in_as(client)
    assert user is not None and user.username == "zhangwei"
    assert fresh_roles("zhangwei") == {Role.INCIDENT_HANDLER}  # "all-staff" maps to no role
    assert user.display_name == "张伟"
    assert user.email == "zhangwei@firm.cn"
    assert user.department is not None and user.department.name == "信息技术部"
    assert not user.has_usable_password()  # the provider holds the password, never us
    assert client.get("/incidents/").status_code == 200


def test_removed_from_group_loses_role_at_next_sign_in(client, oidc_on):
    assert sign_in(client, "zhangwei").status_code == 200
    assert Role.INCIDENT_HANDLER in fresh_roles("zhangwei")
    # A role given in the application, which no OIDC_ROLE_* maps, stays.
    assign_role(User.objects.get(username="zhangwei"), Role.STAFF)
    client.logout()

    oidc_on.set_groups("zhangwei", ["all-staff"])
    # Still a handler until the next sign-in ...
    assert Role.INCIDENT_HANDLER in fresh_roles("zhangwei")
    assert sign_in(client, "zhangwei").status_code == 200
    # ... which takes the role away.
    assert signed_in_as(client).username == "zhangwei"
    assert fresh_roles("zhangwei") == {Role.STAFF}


def test_compliance_officer_signing_in_through_the_provider_still_needs_totp(client, oidc_on):
    with override_settings(TWO_FACTOR_REQUIRED_ROLES=["compliance_officer"]):
        authorize = start_sign_in(client)
        visit = oidc_provider.through_provider(authorize, login="lina", password="lina-pw")
        response = client.get(visit.back)
        assert response.status_code == 302  # signed in, sent home ...
        assert fresh_roles("lina") == {Role.COMPLIANCE_OFFICER}
        response = client.get(response["Location"])
        # ... and from there to TOTP enrolment before anything else.
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("security:otp-enrol"))
        assert client.get("/incidents/")["Location"].startswith(reverse("security:otp-enrol"))


def test_account_the_provider_refuses_cannot_sign_in(client, oidc_on):
    authorize = start_sign_in(client)
    visit = oidc_provider.through_provider(authorize, login="wangwu", password="wangwu-pw")
    assert not visit.back  # the provider never sends a code for a disabled account
    assert "此账号已停用" in visit.page
    assert signed_in_as(client) is None
    assert not User.objects.filter(username="wangwu").exists()


def test_wrong_password_at_the_provider_does_not_sign_in(client, oidc_on):
    visit = oidc_provider.through_provider(
        start_sign_in(client), login="zhangwei", password="not-the-password"
    )
    assert not visit.back and "账号或密码错误" in visit.page
    assert signed_in_as(client) is None


def test_declined_consent_ends_on_a_chinese_page(client, oidc_on):
    response = sign_in(client, "zhangwei", consent=False)
    assert response.status_code == 403
    assert response.redirect_chain[-1][0] == reverse("oidc:failed") + "?reason=denied"
    page = response.content.decode()
    assert "登录已取消" in page
    assert "请重新开始，并在统一身份认证页面上同意授权" in page
    assert reverse("login") in page  # a way back to the sign-in page
    assert signed_in_as(client) is None
    assert not User.objects.filter(username="zhangwei").exists()


def test_forged_or_replayed_answer_ends_on_a_chinese_page_not_an_error(client, oidc_on):
    response = client.get("/oidc/callback/?code=forged&state=not-ours", follow=True)
    assert response.status_code == 400
    assert "登录请求已失效" in response.content.decode()
    assert signed_in_as(client) is None

    # A genuine answer used twice (the back button, a second tab): the second is refused.
    visit = oidc_provider.through_provider(
        start_sign_in(client), login="zhangwei", password="zhangwei-pw"
    )
    assert client.get(visit.back).status_code == 302
    client.logout()
    response = client.get(visit.back, follow=True)
    assert response.status_code == 400
    assert "登录请求已失效" in response.content.decode()
    assert signed_in_as(client) is None


def test_provider_unreachable_for_the_token_ends_on_a_chinese_page(client, provider):
    dead = f"http://127.0.0.1:{oidc_provider.free_port()}/token"
    with configured(provider.env(OIDC_OP_TOKEN_ENDPOINT=dead)):
        response = sign_in(client, "zhangwei")
    assert response.status_code == 502
    assert "统一身份认证未能完成登录" in response.content.decode()
    assert signed_in_as(client) is None


def test_answer_without_a_user_name_is_refused(client, oidc_on):
    response = sign_in(client, "nameless")
    assert response.status_code == 403
    assert "此账号无法在本系统登录" in response.content.decode()
    assert signed_in_as(client) is None


def test_deactivated_local_user_is_refused_though_the_provider_signs_them_in(client, oidc_on):
    User.objects.create_user(username="zhangwei", is_active=False)
    response = sign_in(client, "zhangwei")
    assert response.status_code == 403
    assert "此账号无法在本系统登录" in response.content.decode()
    assert signed_in_as(client) is None


def test_break_glass_local_administrator_signs_in_but_local_staff_does_not(client, oidc_on):
    admin = User.objects.create_user(username="breakglass", password="local-admin-pw")
    assign_role(admin, Role.ADMINISTRATOR)
    User.objects.create_user(username="localstaff", password="local-staff-pw")

    form = {"username": "breakglass", "password": "local-admin-pw"}
    assert client.post(reverse("login"), form).status_code == 302
    assert signed_in_as(client).username == "breakglass"
    client.logout()
    form = {"username": "localstaff", "password": "local-staff-pw"}
    assert client.post(reverse("login"), form).status_code == 200
    assert signed_in_as(client) is None


def test_refused_answers_do_not_lock_out_the_address_but_bad_passwords_still_do(client, oidc_on):
    # More refused answers than axes' limit, from one address (an office behind one proxy) ...
    for _attempt in range(settings.AXES_FAILURE_LIMIT + 1):
        assert sign_in(client, "nameless").status_code == 403
    # ... and a colleague behind the same address still signs in through the provider.
    assert sign_in(client, "zhangwei").status_code == 200
    assert signed_in_as(client).username == "zhangwei"
    client.logout()

    # Password guessing on the sign-in page is still locked out by axes, which stays first.
    admin = User.objects.create_user(username="breakglass", password="local-admin-pw")
    assign_role(admin, Role.ADMINISTRATOR)
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "breakglass", "password": "guess"})
    form = {"username": "breakglass", "password": "local-admin-pw"}
    assert client.post(reverse("login"), form).status_code == 429
    assert signed_in_as(client) is None


def test_axes_stays_first_and_the_provider_backend_second(provider):
    backends = oidc_settings(provider.env(), list(settings.AUTHENTICATION_BACKENDS))[
        "AUTHENTICATION_BACKENDS"
    ]
    assert backends == [
        "axes.backends.AxesStandaloneBackend",
        "accounts.oidc.OIDCBackend",
        "accounts.backends.BreakGlassBackend",
    ]
    # with the directory on as well, the directory comes after the provider
    with_directory = [
        "axes.backends.AxesStandaloneBackend",
        "accounts.ldap.DirectoryBackend",
        "accounts.ldap.BreakGlassBackend",
    ]
    assert oidc_settings(provider.env(), with_directory)["AUTHENTICATION_BACKENDS"] == [
        "axes.backends.AxesStandaloneBackend",
        "accounts.oidc.OIDCBackend",
        "accounts.ldap.DirectoryBackend",
        "accounts.ldap.BreakGlassBackend",
    ]


def test_malformed_settings_fail_at_start_up(provider):
    from django.core.exceptions import ImproperlyConfigured

    backends = list(settings.AUTHENTICATION_BACKENDS)
    assert oidc_settings({}, backends) == {}  # not configured: nothing changes
    for broken in (
        {"OIDC_RP_SIGN_ALGO": "HS256"},
        {"OIDC_OP_TOKEN_ENDPOINT": ""},
        {"OIDC_OP_ISSUER": ""},
        {"OIDC_OP_JWKS_ENDPOINT": "jwks"},
        {"OIDC_ROLE_SUPERVISOR": "ir-supervisors"},
        {"LOCAL_SIGN_IN": "everyone"},
        {"OIDC_RP_SCOPES": "email profile"},
    ):
        with pytest.raises(ImproperlyConfigured):
            oidc_settings(provider.env(**broken), backends)
    # the endpoints given match what the provider publishes
    published = provider.discovery()
    env = provider.env()
    assert published["issuer"] == env["OIDC_OP_ISSUER"]
    assert published["token_endpoint"] == env["OIDC_OP_TOKEN_ENDPOINT"]
    assert published["userinfo_endpoint"] == env["OIDC_OP_USER_ENDPOINT"]
    assert published["jwks_uri"] == env["OIDC_OP_JWKS_ENDPOINT"]
