"""The hash chain: verify_audit_log passes on an intact log and names the entry altered."""

import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, close_old_connections, connection, connections, transaction

from accounts.models import Department
from audit.chain import hash_of_instance
from audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def verify() -> str:
    out = StringIO()
    call_command("verify_audit_log", stdout=out)
    return out.getvalue()


def test_entries_are_chained(dept_factory):
    for _ in range(3):
        dept_factory()
    entries = list(AuditEntry.objects.order_by("id"))
    assert [e.id for e in entries] == list(range(1, len(entries) + 1))
    assert entries[0].prev_hash == ""
    for previous, entry in zip(entries, entries[1:], strict=False):
        assert entry.prev_hash == previous.entry_hash
        assert entry.entry_hash == hash_of_instance(entry)


def test_verify_passes_on_intact_chain(dept_factory):
    for _ in range(5):
        dept_factory()
    assert verify().startswith("OK: 5 entries verified")


def test_verify_on_empty_log(db):
    assert verify().startswith("OK: 0 entries verified")


@pytest.mark.postgres
def test_verify_names_the_entry_altered_in_the_database(dept_factory, without_append_only_trigger):
    for _ in range(5):
        dept_factory()
    target = AuditEntry.objects.order_by("id")[2]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET object_repr = 'forged' WHERE id = %s", [target.id]
        )
    with pytest.raises(CommandError) as excinfo:
        verify()
    message = str(excinfo.value)
    assert f"entry #{target.id} " in message
    assert "content hash mismatch" in message


@pytest.mark.postgres
def test_verify_names_a_rehashed_entry_as_broken_link_of_its_successor(
    dept_factory, without_append_only_trigger
):
    for _ in range(4):
        dept_factory()
    target = AuditEntry.objects.order_by("id")[1]
    target.changes = {"name": [None, "forged"]}
    forged_hash = hash_of_instance(target)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET changes = %s::jsonb, entry_hash = %s WHERE id = %s",
            ['{"name": [null, "forged"]}', forged_hash, target.id],
        )
    with pytest.raises(CommandError) as excinfo:
        verify()
    assert f"entry #{target.id + 1} " in str(excinfo.value)
    assert "broken link" in str(excinfo.value)


@pytest.mark.postgres
def test_verify_names_a_deleted_entry_as_missing(dept_factory, without_append_only_trigger):
    for _ in range(4):
        dept_factory()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = 3")
    with pytest.raises(CommandError) as excinfo:
        verify()
    assert "entry #3 " in str(excinfo.value)
    assert "missing id" in str(excinfo.value)


def test_rolled_back_entry_leaves_no_gap(dept_factory):
    dept_factory()
    with pytest.raises(RuntimeError), transaction.atomic():
        dept_factory()
        raise RuntimeError("abandon")
    dept_factory()
    assert list(AuditEntry.objects.order_by("id").values_list("id", flat=True)) == [1, 2]
    assert verify().startswith("OK: 2 entries verified")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory lock on PostgreSQL")
def test_concurrent_writers_produce_a_valid_chain():
    threads_count, per_thread = 6, 8
    errors = []
    barrier = threading.Barrier(threads_count)

    def writer(n):
        try:
            barrier.wait()
            for i in range(per_thread):
                with transaction.atomic():
                    Department.objects.create(name=f"并发{n}-{i}", code=f"c-{n}-{i}")
        except (DatabaseError, threading.BrokenBarrierError) as exc:  # pragma: no cover
            errors.append(exc)
        finally:
            close_old_connections()
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(threads_count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert AuditEntry.objects.count() == threads_count * per_thread
    assert verify().startswith(f"OK: {threads_count * per_thread} entries verified")
