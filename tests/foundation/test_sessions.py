"""Sessions are Django's cached_db store (the cache in front of the database: Redis through
django-redis when CACHE_URL is set, this process's memory otherwise) and the signed-in user is
read by Django's ModelBackend: expiry, sign-out and deactivation still end access at once, on
both caches."""

import subprocess
import sys
import time
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.deadlines.conftest import redis_server  # noqa: F401  (fixture, registered by import)

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["locmem", pytest.param("redis", marks=pytest.mark.redis)])
def session_cache(request, settings):
    if request.param == "redis":
        server = request.getfixturevalue("redis_server")
        settings.CACHES = {
            "default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": server.url}
        }
    from django.core.cache import cache

    cache.clear()
    yield request.param
    cache.clear()


def test_the_stores_are_djangos():
    assert django_settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    # Sign-in is Django's ModelBackend; only has_perm is answered from the role sets.
    from django.contrib.auth.backends import ModelBackend
    from django.utils.module_loading import import_string

    from accounts.backends import RoleBackend

    assert "accounts.backends.RoleBackend" in django_settings.AUTHENTICATION_BACKENDS
    assert issubclass(RoleBackend, ModelBackend)
    assert import_string("accounts.backends.RoleBackend").get_user is ModelBackend.get_user
    assert RoleBackend.authenticate is ModelBackend.authenticate
    assert django_settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")


def test_cache_url_selects_redis():
    out = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings as s; print(s.CACHES)"],
        env={
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "CACHE_URL": "redis://127.0.0.1:6379/5",
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        check=True,
        cwd=django_settings.BASE_DIR,
    ).stdout
    assert "django_redis.cache.RedisCache" in out and "redis://127.0.0.1:6379/5" in out


def test_session_is_read_from_the_cache(session_cache, client_for, handler):
    client = client_for(handler)
    assert client.get("/incidents/").status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/incidents/").status_code == 200
    assert not [q for q in ctx.captured_queries if "django_session" in q["sql"]]


def test_expired_session_signs_out(session_cache, client_for, handler, settings):
    if session_cache == "redis":
        settings.SESSION_COOKIE_AGE = 2  # Redis expires its keys in real time: a short age
    client = client_for(handler)
    if session_cache == "redis":
        from django.core.cache import cache

        key = "django.contrib.sessions.cached_db" + client.cookies["sessionid"].value
        assert 0 < cache.ttl(key) <= 2  # the cached session lives no longer than the session
        time.sleep(2.5)
        resp = client.get("/incidents/")
    else:
        assert client.get("/incidents/").status_code == 200
        later = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE + 1)
        with time_machine.travel(later, tick=False):
            resp = client.get("/incidents/")
    assert resp.status_code == 302 and "/login/" in resp["Location"]


def test_deactivated_user_is_signed_out(session_cache, client_for, handler):
    client = client_for(handler)
    assert client.get("/incidents/").status_code == 200
    type(handler).objects.filter(pk=handler.pk).update(is_active=False)
    resp = client.get("/incidents/")
    assert resp.status_code == 302 and "/login/" in resp["Location"]


def test_sign_out_ends_the_session(session_cache, client_for, handler):
    client = client_for(handler)
    assert client.get("/incidents/").status_code == 200
    key = client.cookies["sessionid"].value
    client.post("/accounts/logout/")
    assert not Session.objects.filter(session_key=key).exists()
    client.cookies["sessionid"] = key  # replaying the old cookie does not sign in again
    assert client.get("/incidents/").status_code == 302


def test_unknown_session_key_is_anonymous(session_cache, client):
    client.cookies["sessionid"] = "x" * 32
    resp = client.get("/incidents/")
    assert resp.status_code == 302 and "/login/" in resp["Location"]


def test_production_without_a_shared_cache_reads_sessions_from_the_database():
    code = "from django.conf import settings as s; print(s.SESSION_ENGINE)"
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "k" * 60,
        "DJANGO_ALLOWED_HOSTS": "ir.example.com",
        "PATH": "/usr/bin:/bin",
    }
    run = [sys.executable, "-c", code]
    kw = {"capture_output": True, "text": True, "check": True, "cwd": django_settings.BASE_DIR}
    assert subprocess.run(run, env=env, **kw).stdout.strip().endswith("backends.db")
    env["CACHE_URL"] = "redis://127.0.0.1:6379/5"
    assert subprocess.run(run, env=env, **kw).stdout.strip().endswith("backends.cached_db")
