"""Login lockout (django-axes): 5 failures per username+IP lock that pair for 30 minutes."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def attempt(client, username, password, ip="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_settings():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=30)
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_five_failures_lock_the_username_from_that_address(client, handler):
    for _ in range(4):
        response = attempt(client, "handler", "wrong")
        assert response.status_code == 200
        assert "用户名和密码不匹配" in response.content.decode()
    locked = attempt(client, "handler", "wrong")
    assert locked.status_code == 429
    body = locked.content.decode()
    assert "登录失败次数过多" in body and "30" in body
    assert 'name="username"' in body  # it is still the sign-in page
    # Even the right password is refused while locked.
    assert attempt(client, "handler", "pw-handler").status_code == 429
    assert client.get(reverse("home")).status_code == 302


def test_lock_is_per_username_and_address(client, handler, staff):
    for _ in range(5):
        attempt(client, "handler", "wrong")
    # Another user from the same address, and the same user from another address, still sign in.
    assert attempt(client, "staff", "pw-staff").status_code == 302
    client.post(reverse("logout"))
    assert attempt(client, "handler", "pw-handler", ip="10.0.0.2").status_code == 302


def test_lock_expires_after_cool_off(client, handler):
    for _ in range(5):
        attempt(client, "handler", "wrong")
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert attempt(client, "handler", "pw-handler").status_code == 302


def test_success_resets_the_count(client, handler):
    for _ in range(4):
        attempt(client, "handler", "wrong")
    assert attempt(client, "handler", "pw-handler").status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        assert attempt(client, "handler", "wrong").status_code == 200


def test_admin_login_is_covered_too(client, officer):
    for _ in range(5):
        response = client.post(
            "/admin/login/?next=/admin/",
            {"username": "officer", "password": "wrong"},
            REMOTE_ADDR="10.0.0.9",
        )
    assert response.status_code == 429


def test_administrator_unlocks_in_the_admin(client, administrator, handler):
    for _ in range(5):
        attempt(client, "handler", "wrong")
    lock = AccessAttempt.objects.get(username="handler")
    client.force_login(administrator)
    changelist = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert changelist.status_code == 200 and "handler" in changelist.content.decode()
    response = client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": [lock.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    client.logout()
    assert attempt(client, "handler", "pw-handler").status_code == 302


def test_force_login_still_works(client, officer):
    client.force_login(officer)
    assert client.get(reverse("home")).status_code == 200
