"""Every create, update and delete of a registered model is recorded with actor and channel."""

import pytest
from celery import shared_task
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import path
from rest_framework import serializers
from rest_framework.generics import CreateAPIView
from rest_framework.permissions import IsAuthenticated

from accounts.models import Department, JobRole, User
from audit.context import Channel, acting_as, channel
from audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def entries_for(obj):
    ct = ContentType.objects.get_for_model(obj)
    return AuditEntry.objects.filter(content_type=ct, object_pk=str(obj.pk)).order_by("id")


# A tiny API used only here (no domain API exists in this app): a DRF write is channel "api".
class _DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["name", "code", "kind"]


class _DepartmentCreate(CreateAPIView):
    serializer_class = _DepartmentSerializer
    permission_classes = [IsAuthenticated]


urlpatterns = [path("api/test-departments/", _DepartmentCreate.as_view())]


@shared_task(name="tests.audit.rename_department")
def rename_department(department_id, name, actor_id):
    with acting_as(actor_id):
        dept = Department.objects.get(pk=department_id)
        dept.name = name
        dept.save()


def test_create_update_delete_recorded_with_before_and_after(administrator):
    with acting_as(administrator):
        dept = Department.objects.create(name="风险管理部", code="risk")
        dept.name = "风险合规部"
        dept.save()
        pk = dept.pk
        dept.delete()
    created, updated, deleted = AuditEntry.objects.filter(
        content_type__model="department", object_pk=str(pk)
    ).order_by("id")
    assert [e.action for e in (created, updated, deleted)] == [
        AuditEntry.Action.CREATE,
        AuditEntry.Action.UPDATE,
        AuditEntry.Action.DELETE,
    ]
    assert created.changes["name"] == [None, "风险管理部"]
    assert updated.changes["name"] == ["风险管理部", "风险合规部"]
    assert "code" not in updated.changes
    assert {e.actor_id for e in (created, updated, deleted)} == {administrator.pk}
    assert created.actor_email == administrator.email
    # Outside a request, task or command, the channel is "system".
    assert {e.channel for e in (created, updated, deleted)} == {Channel.SYSTEM}


def test_user_password_and_last_login_are_not_recorded(administrator):
    user = User.objects.create_user(username="newcomer", password="secret-pw-1")
    user.set_password("another-secret")
    user.save()
    for entry in entries_for(user):
        assert "password" not in (entry.changes or {})
        assert "last_login" not in (entry.changes or {})
        assert "secret" not in str(entry.changes)


def test_admin_change_is_channel_admin_with_actor(client_for, administrator, department):
    client = client_for(administrator)
    url = f"/admin/accounts/department/{department.pk}/change/"
    response = client.post(
        url, {"name": "信息科技部", "code": department.code, "kind": department.kind, "parent": ""}
    )
    assert response.status_code == 302, response.content
    entry = entries_for(department).last()
    assert entry.action == AuditEntry.Action.UPDATE
    assert entry.channel == Channel.ADMIN
    assert entry.actor_id == administrator.pk
    assert entry.changes["name"] == ["信息技术部", "信息科技部"]
    assert entry.remote_addr == "127.0.0.1"


@pytest.mark.urls("tests.audit.test_trail")
def test_api_write_is_channel_api(client_for, officer):
    client = client_for(officer)
    response = client.post(
        "/api/test-departments/",
        {"name": "运营管理部", "code": "ops", "kind": "data_source"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    dept = Department.objects.get(code="ops")
    entry = entries_for(dept).get()
    assert (entry.action, entry.channel, entry.actor_id) == (
        AuditEntry.Action.CREATE,
        Channel.API,
        officer.pk,
    )


def test_celery_task_is_channel_task_and_carries_the_actor(officer, department):
    result = rename_department.apply(args=[department.pk, "数据管理部", officer.pk])
    assert result.successful(), result.traceback
    entry = entries_for(department).last()
    assert (entry.action, entry.channel, entry.actor_id) == (
        AuditEntry.Action.UPDATE,
        Channel.TASK,
        officer.pk,
    )
    # The channel is restored once the task is done.
    JobRole.objects.create(name="数据管理员", code="data-admin")
    assert AuditEntry.objects.latest().channel == Channel.SYSTEM


def test_command_channel_and_role_assignment_recorded(staff):
    with channel(Channel.COMMAND):
        staff.groups.clear()
    entry = entries_for(staff).last()
    assert entry.channel == Channel.COMMAND
    assert entry.changes["groups"]["type"] == "m2m"
    assert entry.changes["groups"]["operation"] == "delete"


def test_seed_demo_is_recorded_and_chain_valid(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert AuditEntry.objects.filter(content_type__model="user").exists()
    call_command("verify_audit_log", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_deleting_a_user_keeps_their_entries(administrator, dept_factory):
    actor = User.objects.create_user(username="leaver", email="leaver@example.com")
    with acting_as(actor):
        dept = dept_factory()
    actor_id = actor.pk
    actor.delete()
    entry = entries_for(dept).get()
    assert entry.actor_id == actor_id
    entry = AuditEntry.objects.select_related("actor").get(pk=entry.pk)
    assert entry.actor is None
    assert entry.actor_label == f"#{actor_id} leaver@example.com"
