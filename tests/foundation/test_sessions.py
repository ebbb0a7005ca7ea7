"""Sessions and the signed-in user are read with prepared queries: expiry, sign-out and
deactivation still end access at once."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_expired_session_signs_out(client_for, handler):
    client = client_for(handler)
    assert client.get("/incidents/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    resp = client.get("/incidents/")
    assert resp.status_code == 302 and "/login/" in resp["Location"]


def test_deactivated_user_is_signed_out(client_for, handler):
    client = client_for(handler)
    assert client.get("/incidents/").status_code == 200
    type(handler).objects.filter(pk=handler.pk).update(is_active=False)
    resp = client.get("/incidents/")
    assert resp.status_code == 302 and "/login/" in resp["Location"]


def test_sign_out_ends_the_session(client_for, handler):
    client = client_for(handler)
    key = client.cookies["sessionid"].value
    client.post("/accounts/logout/")
    assert not Session.objects.filter(session_key=key).exists()
    client.cookies["sessionid"] = key  # replaying the old cookie does not sign in again
    assert client.get("/incidents/").status_code == 302


def test_unknown_session_key_is_anonymous(client):
    client.cookies["sessionid"] = "x" * 32
    resp = client.get("/incidents/")
    assert resp.status_code == 302 and "/login/" in resp["Location"]
