"""Directory sign-in against a real OpenLDAP server (issue 21.1): bind, user search, group -> role,
department and manager from attributes, disabled accounts refused, break-glass local accounts,
TOTP still required for privileged roles."""

import pytest
from django.test import override_settings
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role, assign_role, user_roles
from config.directory import ldap_settings
from tests.accounts import slapd

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(bool(slapd.missing_reason()), reason=slapd.missing_reason() or "-"),
]


@pytest.fixture
def directory(tmp_path):
    server = slapd.start(tmp_path / "slapd")
    try:
        yield server
    finally:
        slapd.stop(server, tmp_path / "slapd")


@pytest.fixture
def directory_on(directory):
    with override_settings(**ldap_settings(directory.env())):
        yield directory


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def signed_in_as(client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def fresh_roles(username) -> set[str]:
    return user_roles(User.objects.get(username=username))


def test_member_of_handlers_group_signs_in_as_handler_with_directory_details(client, directory_on):
    response = sign_in(client, "zhangwei", "zhangwei-pw")
    assert response.status_code == 302, response.content.decode()[:400]
    user = signed_in_as(client)
    assert user is not None and user.username == "zhangwei"
    assert fresh_roles("zhangwei") == {Role.INCIDENT_HANDLER}
    assert user.display_name == "张伟"
    assert user.email == "zhangwei@firm.cn"
    assert user.department is not None and user.department.name == "信息技术部"
    assert not user.has_usable_password()  # the directory holds the password, never us
    # The handler reaches the incident list.
    assert client.get("/incidents/").status_code == 200


def test_wrong_password_is_refused(client, directory_on):
    response = sign_in(client, "zhangwei", "not-the-password")
    assert response.status_code == 200
    assert signed_in_as(client) is None


def test_manager_comes_from_the_directory(client, directory_on):
    assert sign_in(client, "lina", "lina-pw").status_code == 302
    client.logout()
    assert sign_in(client, "zhangwei", "zhangwei-pw").status_code == 302
    zhang = User.objects.get(username="zhangwei")
    assert zhang.manager is not None and zhang.manager.username == "lina"
    assert fresh_roles("lina") == {Role.COMPLIANCE_OFFICER}


def test_removed_from_group_loses_role_at_next_sign_in(client, directory_on):
    assert sign_in(client, "zhangwei", "zhangwei-pw").status_code == 302
    assert Role.INCIDENT_HANDLER in fresh_roles("zhangwei")
    # A role the application gave that no directory group maps stays.
    assign_role(User.objects.get(username="zhangwei"), Role.STAFF)
    client.logout()

    directory_on.remove_member("ir-handlers", "zhangwei")
    # Still a handler until the next sign-in ...
    assert Role.INCIDENT_HANDLER in fresh_roles("zhangwei")
    assert sign_in(client, "zhangwei", "zhangwei-pw").status_code == 302
    # ... which takes the role away.
    assert fresh_roles("zhangwei") == {Role.STAFF}


def test_disabled_directory_account_cannot_sign_in(client, directory_on):
    response = sign_in(client, "wangwu", "wangwu-pw")
    assert response.status_code == 200
    assert "用户名和密码不匹配" in response.content.decode()
    assert signed_in_as(client) is None
    assert not User.objects.filter(username="wangwu").exists()


def test_disabled_after_earlier_sign_in_still_refused(client, directory, tmp_path):
    # wangwu signed in while the filter did not exclude disabled accounts (a local user exists) ...
    lenient = ldap_settings(directory.env(LDAP_USER_FILTER="(uid=%(user)s)"))
    with override_settings(**lenient):
        assert sign_in(client, "wangwu", "wangwu-pw").status_code == 302
        client.logout()
    # ... and is refused once the operator's filter excludes disabled accounts: neither the
    # directory nor the local backend (unusable password) signs them in.
    with override_settings(**ldap_settings(directory.env())):
        assert sign_in(client, "wangwu", "wangwu-pw").status_code == 200
        assert signed_in_as(client) is None


def test_break_glass_local_administrator_signs_in_but_local_staff_does_not(client, directory_on):
    admin = User.objects.create_user(username="breakglass", password="local-admin-pw")
    assign_role(admin, Role.ADMINISTRATOR)
    User.objects.create_user(username="localstaff", password="local-staff-pw")

    assert sign_in(client, "breakglass", "local-admin-pw").status_code == 302
    assert signed_in_as(client).username == "breakglass"
    client.logout()
    assert sign_in(client, "localstaff", "local-staff-pw").status_code == 200
    assert signed_in_as(client) is None


def test_all_local_accounts_when_operator_says_so(client, directory):
    User.objects.create_user(username="localstaff", password="local-staff-pw")
    with override_settings(**ldap_settings(directory.env(LOCAL_SIGN_IN="all"))):
        assert sign_in(client, "localstaff", "local-staff-pw").status_code == 302


def test_directory_officer_still_needs_totp(client, directory_on):
    with override_settings(TWO_FACTOR_REQUIRED_ROLES=["compliance_officer"]):
        assert sign_in(client, "lina", "lina-pw").status_code == 302
        response = client.get("/incidents/")
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("security:otp-enrol"))


def test_directory_down_refuses_without_error(client, directory):
    env = directory.env()
    env["LDAP_SERVER_URI"] = f"ldap://127.0.0.1:{slapd.free_port()}"
    with override_settings(**ldap_settings(env)):
        response = sign_in(client, "zhangwei", "zhangwei-pw")
    assert response.status_code == 200
    assert signed_in_as(client) is None


def test_malformed_settings_fail_at_start_up(directory):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        ldap_settings(directory.env(LDAP_USER_FILTER="(uid=*)"))
    with pytest.raises(ImproperlyConfigured):
        ldap_settings(directory.env(LOCAL_SIGN_IN="everyone"))
