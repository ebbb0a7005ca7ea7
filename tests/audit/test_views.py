"""Auditors (and officers, administrators) browse, filter and export; nobody else."""

import csv
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from openpyxl import load_workbook

from accounts.models import Department, JobRole
from audit.context import Channel, acting_as, channel
from audit.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def log(administrator, officer):
    with acting_as(administrator), channel(Channel.ADMIN):
        risk = Department.objects.create(name="风险管理部", code="risk")
        JobRole.objects.create(name="数据管理员", code="data-admin")
    with acting_as(officer), channel(Channel.WEB):
        risk.name = "风险合规部"
        risk.save()
    return risk


def read_csv(response):
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


@pytest.mark.parametrize("persona", ["auditor", "administrator", "officer"])
def test_readers_see_the_log(request, client_for, log, persona):
    client = client_for(request.getfixturevalue(persona))
    response = client.get("/audit/")
    assert response.status_code == 200
    ids = [entry.id for entry, _changes in response.context["rows"]]
    assert ids == sorted(ids, reverse=True)  # newest first
    assert "风险合规部" in response.content.decode()


@pytest.mark.parametrize("persona", ["staff", "handler", "outsider"])
def test_others_are_refused(request, client_for, log, persona):
    client = client_for(request.getfixturevalue(persona))
    for url in ("/audit/", "/audit/export.csv", "/audit/export.xlsx", "/api/audit/entries/"):
        assert client.get(url).status_code == 403, url


def test_anonymous_is_sent_to_login(client, log):
    assert client.get("/audit/").status_code == 302


def test_filters_and_diff(client_for, auditor, officer, log):
    client = client_for(auditor)
    response = client.get("/audit/", {"actor": officer.username, "channel": "web"})
    rows = response.context["rows"]
    assert len(rows) == 1
    entry, changes = rows[0]
    assert entry.object_pk == str(log.pk)
    labels = {label: (before, after) for label, before, after in changes}
    assert labels[str(Department._meta.get_field("name").verbose_name)] == (
        "风险管理部",
        "风险合规部",
    )
    jobrole_ct = ContentType.objects.get_for_model(JobRole)
    response = client.get("/audit/", {"model": jobrole_ct.pk, "action": 0})
    assert [e.content_type_id for e, _c in response.context["rows"]] == [jobrole_ct.pk]


def test_invalid_filter_shows_nothing_and_export_refuses(client_for, auditor, log):
    client = client_for(auditor)
    response = client.get("/audit/", {"channel": "nonsense"})
    assert response.context["rows"] == []
    assert client.get("/audit/export.csv", {"channel": "nonsense"}).status_code == 400


def test_csv_export_contains_the_filtered_rows_only(client_for, auditor, administrator, log):
    client = client_for(auditor)
    response = client.get("/audit/export.csv", {"actor": administrator.username})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    header, *rows = read_csv(response)
    expected = AuditEntry.objects.filter(actor=administrator).order_by("-id")
    assert [int(r[0]) for r in rows] == list(expected.values_list("id", flat=True))
    assert {r[2] for r in rows} == {str(administrator.pk)}
    assert len(rows) == 2


def test_excel_export(client_for, auditor, log):
    client = client_for(auditor)
    response = client.get(
        "/audit/export.xlsx", {"model": ContentType.objects.get_for_model(Department).pk}
    )
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    dept_entries = AuditEntry.objects.filter(content_type__model="department").count()
    assert len(rows) == 1 + dept_entries
    assert {row[6] for row in rows[1:]} == {"accounts.department"}


def test_date_range_filter_uses_local_days(client_for, auditor, log):
    client = client_for(auditor)
    today = AuditEntry.objects.latest().timestamp.astimezone().date()
    response = client.get("/audit/", {"date_after": "2000-01-01", "date_before": "2000-01-02"})
    assert response.context["rows"] == []
    response = client.get("/audit/", {"date_after": str(today.replace(year=today.year - 1))})
    assert len(response.context["rows"]) == AuditEntry.objects.count()


def test_page_query_count_does_not_grow_with_rows(
    client_for, auditor, dept_factory, django_assert_max_num_queries
):
    for _ in range(30):
        dept_factory()
    client = client_for(auditor)
    with django_assert_max_num_queries(12):
        assert client.get("/audit/").status_code == 200


def test_api_list_retrieve_and_filter(client_for, auditor, officer, log):
    client = client_for(auditor)
    response = client.get("/api/audit/entries/", {"actor": officer.username})
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    item = data["results"][0]
    assert item["channel"] == "web"
    assert item["content_type"] == "accounts.department"
    assert item["changes"]["name"] == ["风险管理部", "风险合规部"]
    detail = client.get(f"/api/audit/entries/{item['id']}/")
    assert detail.status_code == 200
    assert detail.json()["entry_hash"] == AuditEntry.objects.get(pk=item["id"]).entry_hash


def test_nav_item_for_readers(client_for, auditor, staff):
    response = client_for(auditor).get("/audit/")
    assert "/audit/" in [i["url"] for _s, items in response.context["nav_sections"] for i in items]
    client = client_for(staff)
    response = client.get("/")
    urls = [
        i["url"] for _s, items in (response.context or {}).get("nav_sections", []) for i in items
    ]
    assert "/audit/" not in urls


def test_page_is_in_chinese_by_default(client_for, auditor, log):
    content = client_for(auditor).get("/audit/").content.decode()
    assert "审计日志" in content
    assert "导出 CSV" in content
    assert "更新" in content  # auditlog's action label, translated by our catalogue


def test_api_schema_includes_the_read_only_endpoints(client_for, administrator):
    schema = client_for(administrator).get("/api/schema/", {"format": "json"}).json()
    assert set(schema["paths"]["/api/audit/entries/"]) == {"get"}
    assert set(schema["paths"]["/api/audit/entries/{id}/"]) == {"get"}
