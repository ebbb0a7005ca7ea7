"""TOTP two-factor for officers, administrators and auditors (TWO_FACTOR_REQUIRED_ROLES)."""

import pytest
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

REQUIRED = ["compliance_officer", "administrator", "auditor"]
ENROL = reverse("security:otp-enrol")
VERIFY = reverse("security:otp-verify")


@pytest.fixture(autouse=True)
def _two_factor_on():
    with override_settings(TWO_FACTOR_REQUIRED_ROLES=REQUIRED):
        yield


def code_for(device, offset=0):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift + offset):06d}"


def password_login(client, user):
    """Sign in through the real login page (axes needs the request), as a person would."""
    response = client.post(
        reverse("login"), {"username": user.username, "password": "pw-" + user.username}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return client


@pytest.mark.parametrize("page", ["/", "/incidents/", "/admin/", "/audit/"])
def test_officer_without_device_is_sent_to_enrolment(client, officer, page):
    password_login(client, officer)
    response = client.get(page)
    assert response.status_code == 302
    assert response["Location"].startswith(ENROL)


def test_enrolment_page_shows_qr_svg_and_secret_and_confirms_device(client, officer):
    password_login(client, officer)
    page = client.get(ENROL + "?next=/incidents/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in body and "<?xml" not in body
    assert "设置两步验证" in body
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    # The secret is printed in base32 groups of four.
    import base64

    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    assert secret[:4] in body

    wrong = client.post(ENROL, {"token": "000000" if code_for(device) != "000000" else "111111"})
    assert wrong.status_code == 200
    device.refresh_from_db()
    assert not device.confirmed
    device.throttle_reset()  # a wrong code throttles the next try for a second

    ok = client.post(ENROL, {"token": code_for(device), "next": "/incidents/"})
    assert ok.status_code == 302 and ok["Location"] == "/incidents/"
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/incidents/").status_code == 200


def test_device_but_unverified_is_sent_to_verification(client, auditor):
    TOTPDevice.objects.create(user=auditor, name="phone", confirmed=True)
    password_login(client, auditor)
    response = client.get("/audit/")
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    assert "next=%2Faudit%2F" in response["Location"]


def test_correct_code_lets_them_in_and_wrong_code_does_not(client, administrator):
    device = TOTPDevice.objects.create(user=administrator, name="phone", confirmed=True)
    password_login(client, administrator)

    wrong = client.post(VERIFY, {"token": code_for(device, offset=5), "next": "/admin/"})
    assert wrong.status_code == 200
    assert "验证码不正确或已过期" in wrong.content.decode()
    assert client.get("/admin/").status_code == 302

    device.refresh_from_db()
    device.throttle_reset()
    right = client.post(VERIFY, {"token": code_for(device), "next": "/admin/"})
    assert right.status_code == 302 and right["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_non_numeric_code_is_a_form_error(client, administrator):
    TOTPDevice.objects.create(user=administrator, name="phone", confirmed=True)
    password_login(client, administrator)
    response = client.post(VERIFY, {"token": "abcdef"})
    assert response.status_code == 200
    assert "验证码只能包含数字" in response.content.decode()


def test_open_redirect_is_refused(client, administrator):
    device = TOTPDevice.objects.create(user=administrator, name="phone", confirmed=True)
    password_login(client, administrator)
    response = client.post(VERIFY, {"token": code_for(device), "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == reverse("home")


@pytest.mark.parametrize("persona", ["staff", "handler", "outsider"])
def test_staff_and_handlers_are_never_asked(client, request, persona):
    user = request.getfixturevalue(persona)
    password_login(client, user)
    response = client.get("/")
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_unverified_session_gets_403_from_the_api(client, officer):
    password_login(client, officer)
    response = client.get("/api/incidents/")
    assert response.status_code == 403
    assert "两步验证" in response.json()["detail"]


def test_exempt_pages_stay_reachable(client, officer):
    password_login(client, officer)
    assert client.get("/health/").status_code in (200, 503)
    assert client.get(ENROL).status_code == 200
    assert client.post(reverse("set_language"), {"language": "en", "next": "/"}).status_code == 302
    assert client.post(reverse("logout")).status_code == 302


def test_bearer_token_api_is_not_blocked(client, officer):
    from integrations.models import ApiToken  # noqa: F401  (tokens carry no session)

    response = client.get("/api/incidents/", HTTP_AUTHORIZATION="Bearer nope")
    assert response.status_code in (401, 403)
    assert "两步验证" not in response.content.decode()


def test_off_by_default_in_test_and_local_settings(client, officer):
    from config.settings import local, test

    assert test.TWO_FACTOR_REQUIRED_ROLES == [] and local.TWO_FACTOR_REQUIRED_ROLES == []
    with override_settings(TWO_FACTOR_REQUIRED_ROLES=[]):
        client.force_login(officer)
        assert client.get("/").status_code == 200


def test_on_by_default_in_production_settings():
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "TWO_FACTOR"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="k3y-" + "a1B2c3D4e5F6g7H8" * 4,
        DJANGO_ALLOWED_HOSTS="example.com",
    )
    out = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; print(sorted(settings.TWO_FACTOR_REQUIRED_ROLES))",
        ],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "['administrator', 'auditor', 'compliance_officer']" in out.stdout, out.stderr
