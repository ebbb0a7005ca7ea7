"""Nobody changes or deletes an audit entry: not the ORM, the admin, the API or raw SQL."""

import pytest
from django.db import DatabaseError, connection, transaction

from audit.models import AppendOnlyError, AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(dept_factory):
    dept_factory()
    return AuditEntry.objects.latest()


def test_orm_refuses_change_and_delete(entry):
    entry.object_repr = "forged"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(object_repr="forged")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).object_repr != "forged"


def test_admin_offers_no_add_change_or_delete_even_to_superuser(client_for, administrator, entry):
    client = client_for(administrator)
    base = "/admin/audit/auditentry/"
    assert client.get(base).status_code == 200
    detail = client.get(f"{base}{entry.pk}/change/")
    assert detail.status_code == 200  # view-only page
    assert b'name="_save"' not in detail.content
    assert client.post(f"{base}{entry.pk}/change/", {"object_repr": "forged"}).status_code == 403
    assert client.get(f"{base}{entry.pk}/delete/").status_code == 403
    assert client.post(f"{base}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get(f"{base}add/").status_code == 403
    changelist = client.get(base)
    assert "delete_selected" not in changelist.context["cl"].model_admin.get_actions(
        changelist.wsgi_request
    )
    response = client.post(
        base, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )
    assert response.status_code in (200, 302)
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
    entry.refresh_from_db()
    assert entry.object_repr != "forged"


def test_api_has_no_write_methods(client_for, auditor, administrator, entry):
    for user in (auditor, administrator):
        client = client_for(user)
        assert client.post("/api/audit/entries/", {}).status_code == 405
        url = f"/api/audit/entries/{entry.pk}/"
        assert client.put(url, {}, content_type="application/json").status_code == 405
        assert client.patch(url, {}, content_type="application/json").status_code == 405
        assert client.delete(url).status_code == 405
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigger on PostgreSQL only")
def test_raw_sql_update_and_delete_refused_by_trigger(entry):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE audit_auditentry SET object_repr = 'forged' WHERE id = %s", [entry.pk]
            )
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])
    entry.refresh_from_db()
    assert entry.object_repr != "forged"
