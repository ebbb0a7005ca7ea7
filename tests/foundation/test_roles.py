import pytest
from django.contrib.auth.models import Group

from accounts import policy
from accounts.models import Department, User
from accounts.policy import can_write, sees_everything, visible_to
from accounts.roles import Role
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_every_role_exists_as_a_group():
    assert set(Group.objects.values_list("name", flat=True)) >= {r.value for r in Role}


def test_auditor_reads_everything_and_writes_nothing(client_for, auditor):
    client = client_for(auditor)
    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get("/admin/audit/auditentry/").status_code == 200
    assert client.get("/admin/accounts/user/add/").status_code == 403
    assert client.get("/admin/accounts/department/add/").status_code == 403


def test_administrator_holds_every_permission(client_for):
    # The role decides, held as a group, with or without the superuser flag.
    admin = make_user("admin-by-role", Role.ADMINISTRATOR)
    assert admin.has_perm("auth.change_group") and admin.has_perm("axes.delete_accessattempt")
    assert client_for(admin).get("/admin/auth/group/").status_code == 200


def test_compliance_officer_manages_people_but_not_auth_internals(client_for, officer):
    client = client_for(officer)
    assert client.get("/admin/accounts/user/add/").status_code == 200
    assert client.get("/admin/accounts/department/add/").status_code == 200
    assert client.get("/admin/auth/group/").status_code == 403
    assert not policy.allows(officer, "accounts.user.delete")


def test_permission_codenames_stored_on_a_group_are_ignored(officer):
    # One authorisation model: role sets. A permission left on a group by an earlier version
    # (or added by hand) grants nothing.
    from django.contrib.auth.models import Permission

    Group.objects.get(name=Role.COMPLIANCE_OFFICER).permissions.add(
        Permission.objects.get(content_type__app_label="auth", codename="change_group")
    )
    officer = User.objects.get(pk=officer.pk)
    assert not officer.has_perm("auth.change_group")


def test_staff_cannot_view_people_admin(staff):
    assert not staff.has_perm("accounts.view_user")


def test_visibility_firm_wide_roles_see_all_others_nothing_by_default(
    officer, auditor, staff, outsider
):
    qs = Department.objects.all()
    Department.objects.create(name="风险管理部", code="risk")
    assert sees_everything(officer) and sees_everything(auditor)
    assert visible_to(officer, qs).count() == Department.objects.count()
    assert visible_to(auditor, qs).count() == Department.objects.count()
    # Department has no visibility rule: invisible to staff and outsiders (safe by default).
    assert visible_to(staff, qs).count() == 0
    assert visible_to(outsider, qs).count() == 0


def test_auditor_cannot_write(auditor, officer, staff):
    assert not can_write(auditor)
    assert can_write(officer) and can_write(staff)


def test_inactive_user_sees_nothing(officer):
    officer.is_active = False
    officer.save()
    assert visible_to(User.objects.get(pk=officer.pk), Department.objects.all()).count() == 0
