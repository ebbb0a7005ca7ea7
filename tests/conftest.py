"""Personas used across the suite: one user per role, plus an outsider with no role."""

import pytest

from accounts.models import Department, JobRole, User
from accounts.roles import Role, assign_role


def make_user(username, role=None, *, department=None, job_role=None, manager=None, **extra):
    user = User.objects.create_user(
        username=username,
        password="pw-" + username,
        email=f"{username}@example.com",
        display_name=extra.pop("display_name", username),
        department=department,
        job_role=job_role,
        manager=manager,
        **extra,
    )
    if role:
        assign_role(user, role)
    return user


@pytest.fixture
def department(db):
    return Department.objects.create(
        name="信息技术部", code="it", kind=Department.Kind.DATA_AUTHORITY
    )


@pytest.fixture
def job_role(db):
    return JobRole.objects.create(name="安全工程师", code="security-engineer")


@pytest.fixture
def officer(db, department):
    return make_user(
        "officer", Role.COMPLIANCE_OFFICER, department=department, display_name="王合规"
    )


@pytest.fixture
def officer2(db, department):
    return make_user(
        "officer2", Role.COMPLIANCE_OFFICER, department=department, display_name="赵审核"
    )


@pytest.fixture
def handler(db, department, job_role, officer):
    return make_user(
        "handler",
        Role.INCIDENT_HANDLER,
        department=department,
        job_role=job_role,
        manager=officer,
        display_name="李处置",
    )


@pytest.fixture
def handler2(db, department, job_role, handler):
    return make_user(
        "handler2",
        Role.INCIDENT_HANDLER,
        department=department,
        job_role=job_role,
        manager=handler,
        display_name="陈应急",
    )


@pytest.fixture
def staff(db, department, job_role, handler):
    return make_user(
        "staff",
        Role.STAFF,
        department=department,
        job_role=job_role,
        manager=handler,
        display_name="张员工",
    )


@pytest.fixture
def auditor(db):
    return make_user("auditor", Role.AUDITOR, display_name="刘审计")


@pytest.fixture
def administrator(db):
    return make_user("administrator", Role.ADMINISTRATOR, is_superuser=True, is_staff=True)


@pytest.fixture
def outsider(db):
    """Signed in, but holds no role at all."""
    return make_user("outsider", None)


@pytest.fixture
def client_for(client):
    """client_for(user) -> a Django test client signed in as that user."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Reconcile the test database between transactional tests.

    A serialized-rollback test restores the migrated rows (seeded criteria, rules, groups) from a
    snapshot, which collides with the content types and groups that `post_migrate` recreated
    after the previous transactional test's flush: flush them first, without `post_migrate`.
    After a serialized-rollback test Django skips `post_migrate`, so a plain transactional test
    that follows finds no content types or permissions: recreate them.
    """
    marker = item.get_closest_marker("django_db")
    if marker is None or not (
        marker.kwargs.get("transaction") or marker.kwargs.get("serialized_rollback")
    ):
        return
    from django.core.management import call_command
    from django.core.management.sql import emit_post_migrate_signal
    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    if not connection.settings_dict["NAME"].startswith("test_"):
        return  # the test database is not set up yet: it starts freshly migrated
    with item.config.stash[blocking_manager_key].unblock():
        if marker.kwargs.get("serialized_rollback"):
            call_command(
                "flush",
                verbosity=0,
                interactive=False,
                inhibit_post_migrate=True,
                reset_sequences=False,
            )
            return
        from django.contrib.contenttypes.models import ContentType

        if not ContentType.objects.exists():
            emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
