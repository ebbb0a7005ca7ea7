import pytest

pytestmark = pytest.mark.django_db


def test_officer_cannot_grant_roles_or_superuser(client_for, officer, staff):
    c = client_for(officer)
    page = c.get(f"/admin/accounts/user/{staff.pk}/change/").content.decode()
    # Position fields are editable, privilege fields are shown read-only.
    assert 'name="display_name"' in page
    assert 'name="is_superuser"' not in page
    assert 'name="groups"' not in page


def test_officer_cannot_set_passwords_of_others(client_for, officer, staff):
    c = client_for(officer)
    assert c.get(f"/admin/accounts/user/{staff.pk}/password/").status_code == 403
    response = c.post(
        f"/admin/accounts/user/{staff.pk}/password/",
        {
            "password1": "N3w-secret-pass!",
            "password2": "N3w-secret-pass!",
            "usable_password": "true",
        },
    )
    assert response.status_code == 403
    staff.refresh_from_db()
    assert staff.check_password("pw-staff")


def test_officer_cannot_edit_the_administrator(client_for, officer, administrator):
    c = client_for(officer)
    response = c.post(
        f"/admin/accounts/user/{administrator.pk}/change/",
        {"username": "administrator", "display_name": "hijacked"},
    )
    assert response.status_code == 403
    administrator.refresh_from_db()
    assert administrator.display_name != "hijacked"


def test_administrator_still_manages_roles_and_passwords(client_for, administrator, staff):
    c = client_for(administrator)
    page = c.get(f"/admin/accounts/user/{staff.pk}/change/").content.decode()
    assert 'name="groups"' in page
    assert c.get(f"/admin/accounts/user/{staff.pk}/password/").status_code == 200
