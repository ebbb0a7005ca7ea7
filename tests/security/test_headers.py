"""Content security policy, cookies and check --deploy."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_csp_header_forbids_inline_script(client):
    response = client.get(reverse("login"))
    csp = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]+)", csp).group(1)
    assert "'self'" in script_src
    assert "'unsafe-inline'" not in script_src
    assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp


def test_base_template_has_no_inline_handlers_and_loads_the_static_script(client, staff):
    client.force_login(staff)
    body = client.get(reverse("home")).content.decode()
    assert "onchange=" not in body
    assert "data-autosubmit" in body
    assert "/static/js/app.js" in body
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", body)


def test_static_script_exists():
    assert (ROOT / "static" / "js" / "app.js").exists()


def test_cookie_flags():
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.CSRF_COOKIE_HTTPONLY is True


def test_session_cookie_is_http_only_on_login(client, staff):
    response = client.post(reverse("login"), {"username": "staff", "password": "pw-staff"})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_production_settings_are_secure():
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="k3y-" + "a1B2c3D4e5F6g7H8" * 4,
        DJANGO_ALLOWED_HOSTS="example.com",
    )
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS >= 31536000,"
        " s.CSRF_COOKIE_HTTPONLY, s.SESSION_COOKIE_HTTPONLY)"
    )
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.stdout.strip().endswith("True True True True True"), out.stderr
