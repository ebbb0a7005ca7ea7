import pytest
from django.db import connection

from accounts.models import Department


@pytest.fixture
def dept_factory(db):
    counter = {"n": 0}

    def make(**kwargs):
        counter["n"] += 1
        n = counter["n"]
        kwargs.setdefault("name", f"部门{n}")
        kwargs.setdefault("code", f"dept-{n}")
        return Department.objects.create(**kwargs)

    return make


@pytest.fixture
def without_append_only_trigger(db):
    """Lets a test tamper with the log the way someone with database access could."""
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    # Replica mode skips ordinary triggers for this session only (ALTER TABLE ... DISABLE
    # TRIGGER would be DDL, refused while deferred FK checks are pending in the test transaction).
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = DEFAULT")
