import pytest

pytestmark = pytest.mark.django_db


def test_seeded_obligations_and_beat_jobs_exist():
    from django_celery_beat.models import PeriodicTask

    from governance.models import Obligation

    assert set(Obligation.objects.values_list("code", flat=True)) >= {"O2", "O3", "O8", "O13"}
    tasks = set(PeriodicTask.objects.values_list("task", flat=True))
    assert {"governance.generate_meeting_occurrences", "governance.evaluate_obligations"} <= tasks
