from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.errors import ApplicationError
from governance.models import Counterparty
from integrations import services
from integrations.models import ApiToken, hash_token

pytestmark = pytest.mark.django_db

CP_URL = "/api/governance/counterparties/"


def _counterparty_payload(name="华泰测试公司"):
    return {"kind": "service", "name": name, "credit_code": "914403001922038216"}


def test_token_is_stored_hashed_and_shown_once(officer):
    token, raw = services.token_create(user=officer, name="SIEM 脚本", scope="read")
    assert raw.startswith("irt_") and len(raw) > 40
    token.refresh_from_db()
    assert token.token_hash == hash_token(raw)
    assert raw not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert raw.startswith(token.prefix)


def test_read_token_reads_and_records_last_use(api, officer):
    token, raw = services.token_create(user=officer, name="reader", scope="read")
    assert token.last_used_at is None
    response = api(raw).get(CP_URL)
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_read_only_token_cannot_write(api, officer):
    _token, raw = services.token_create(user=officer, name="reader", scope="read")
    response = api(raw).post(CP_URL, _counterparty_payload(), content_type="application/json")
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]
    assert not Counterparty.objects.exists()
    # Also on a view with its own permission classes and on the token API itself.
    own = ApiToken.objects.get(name="reader")
    response = api(raw).post(f"/api/tokens/{own.pk}/revoke/")
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.revoked_at is None


def test_write_token_writes(api, officer):
    _token, raw = services.token_create(user=officer, name="writer", scope="write")
    response = api(raw).post(CP_URL, _counterparty_payload(), content_type="application/json")
    assert response.status_code == 201, response.content
    assert Counterparty.objects.filter(name="华泰测试公司").exists()


def test_revoked_token_cannot_write_or_read(api, officer):
    token, raw = services.token_create(user=officer, name="writer", scope="write")
    services.token_revoke(token=token, actor=officer)
    response = api(raw).post(CP_URL, _counterparty_payload(), content_type="application/json")
    # 403 rather than 401: session authentication comes first and sends no WWW-Authenticate.
    assert response.status_code in (401, 403)
    assert "revoked" in response.json()["detail"]
    assert api(raw).get(CP_URL).status_code in (401, 403)
    assert not Counterparty.objects.exists()


def test_expired_and_unknown_tokens_refused(api, officer):
    token, raw = services.token_create(
        user=officer, name="short", scope="write", expires_at=timezone.now() + timedelta(days=1)
    )
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert api(raw).get(CP_URL).status_code in (401, 403)
    assert api("irt_" + "x" * 43).get(CP_URL).status_code in (401, 403)


def test_token_of_deactivated_user_refused(api, officer):
    _token, raw = services.token_create(user=officer, name="t", scope="write")
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    assert api(raw).get(CP_URL).status_code in (401, 403)


def test_token_carries_owner_rights_only(api, officer):
    """A read-write token made while its owner could write does not let them write once they
    are an auditor (an auditor is offered read-only tokens only: tests/security)."""
    from accounts.roles import Role, assign_role

    _token, raw = services.token_create(user=officer, name="t", scope="write")
    officer.groups.clear()
    assign_role(officer, Role.AUDITOR)
    response = api(raw).post(CP_URL, _counterparty_payload(), content_type="application/json")
    assert response.status_code == 403
    assert not Counterparty.objects.exists()


def test_only_owner_revokes(officer, handler):
    token, _raw = services.token_create(user=officer, name="t", scope="read")

    with pytest.raises(ApplicationError):
        services.token_revoke(token=token, actor=handler)


def test_duplicate_active_name_refused(officer):

    services.token_create(user=officer, name="same", scope="read")
    with pytest.raises(ApplicationError):
        services.token_create(user=officer, name="same", scope="write")


def test_token_api_lists_only_own_tokens(api, officer, handler):
    services.token_create(user=handler, name="theirs", scope="read")
    _token, raw = services.token_create(user=officer, name="mine", scope="write")
    data = api(raw).get("/api/tokens/").json()
    assert [t["name"] for t in data["results"]] == ["mine"]
    assert "token_hash" not in data["results"][0]


def test_write_token_revokes_via_api(api, officer):
    token, raw = services.token_create(user=officer, name="victim", scope="read")
    _t2, raw2 = services.token_create(user=officer, name="admin-script", scope="write")
    response = api(raw2).post(f"/api/tokens/{token.pk}/revoke/")
    assert response.status_code == 200
    assert response.json()["revoked_at"]
    assert api(raw).get(CP_URL).status_code in (401, 403)


def test_throttled(api, officer, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"user": "3/minute", "anon": None})
    _token, raw = services.token_create(user=officer, name="t", scope="read")
    codes = [api(raw).get("/api/tokens/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_tokens_page_creates_shows_once_and_revokes(client_for, staff):
    client = client_for(staff)
    url = reverse("integrations:tokens")
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, {"name": "我的脚本", "scope": "write", "expires_in_days": "30"})
    assert response.status_code == 302
    shown = client.get(url).content.decode()
    token = ApiToken.objects.get(user=staff)
    assert token.prefix in shown and 'id="new-token"' in shown
    again = client.get(url).content.decode()
    assert 'id="new-token"' not in again  # shown once
    assert token.expires_at > timezone.now() + timedelta(days=29)
    response = client.post(reverse("integrations:token-revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_tokens_page_cannot_revoke_someone_elses(client_for, staff, handler):
    token, _raw = services.token_create(user=handler, name="t", scope="read")
    response = client_for(staff).post(reverse("integrations:token-revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_tokens_page_needs_login(client):
    response = client.get(reverse("integrations:tokens"))
    assert response.status_code == 302
