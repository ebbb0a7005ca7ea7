import pytest
from django.contrib.auth.models import Group

from accounts.models import Department, User
from accounts.policy import can_write, sees_everything, visible_to
from accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_every_role_exists_as_a_group():
    assert set(Group.objects.values_list("name", flat=True)) >= {r.value for r in Role}


def perms(role):
    return set(
        Group.objects.get(name=role).permissions.values_list("content_type__app_label", "codename")
    )


def test_auditor_reads_everything_and_writes_nothing():
    auditor_perms = perms(Role.AUDITOR)
    assert ("accounts", "view_user") in auditor_perms
    assert ("audit", "view_auditentry") in auditor_perms
    assert all(codename.startswith("view_") for _app, codename in auditor_perms)


def test_administrator_holds_every_permission():
    from django.contrib.auth.models import Permission

    assert len(perms(Role.ADMINISTRATOR)) == Permission.objects.count()


def test_compliance_officer_manages_people_but_not_auth_internals():
    officer = perms(Role.COMPLIANCE_OFFICER)
    assert ("accounts", "change_user") in officer
    assert ("accounts", "add_department") in officer
    assert not any(app == "auth" for app, _ in officer)
    assert ("accounts", "delete_user") not in officer


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
