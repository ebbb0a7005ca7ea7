import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from incidents import services
from incidents.models import Incident, ReferenceCounter


@pytest.mark.django_db
def test_reference_format_and_sequence(make_incident):
    year = timezone.localdate().year
    a, b = make_incident(), make_incident()
    assert a.reference == f"SJAQ-{year}-0001"
    assert b.reference == f"SJAQ-{year}-0002"


@pytest.mark.django_db
def test_rolled_back_creation_gives_its_number_back(make_incident, handler):
    make_incident()
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            make_incident()
            raise RuntimeError("boom")
    c = make_incident()
    assert c.number == 2


@pytest.mark.django_db
def test_counter_is_per_year(make_incident):
    year = timezone.localdate().year
    ReferenceCounter.objects.create(year=year - 1, last_number=57)
    assert make_incident().number == 1


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_creations_get_distinct_gap_free_numbers(handler):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    n = 20
    barrier = threading.Barrier(n)
    errors, refs = [], []

    def create(i):
        from django.db import connection as conn

        try:
            barrier.wait(timeout=30)
            incident = services.incident_create(
                title=f"并发 {i}",
                category=Incident.Category.OTHER,
                source=Incident.Source.INTERNAL,
                discovered_at=timezone.now() - timedelta(minutes=1),
                actor=handler,
            )
            refs.append(incident.reference)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=create, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = sorted(Incident.objects.values_list("number", flat=True))
    assert numbers == list(range(1, n + 1))
    assert len(set(refs)) == n
    year = timezone.localdate().year
    assert ReferenceCounter.objects.get(year=year).last_number == n
