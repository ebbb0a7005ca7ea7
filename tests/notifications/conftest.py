import pytest

from accounts.policy import SYSTEM


@pytest.fixture
def recorded_enqueues(monkeypatch):
    """Outbox ids handed to the broker, instead of a broker (for tests without a worker)."""
    calls = []

    def fake(ids):
        calls.append(list(ids))
        return True

    monkeypatch.setattr("notifications.dispatch.enqueue_now", fake)
    return calls


@pytest.fixture
def report_kind_for_ics(db, handler, department):
    from datetime import timedelta

    from django.utils import timezone

    from deadlines import services
    from deadlines.seed import ensure_kind

    kind = ensure_kind(None, code="ics.kind", label="ICS", steps=[{"offset": "0"}])
    services.deadline_create(
        subject=department, kind=kind, due_at=timezone.now() + timedelta(days=1),
        owner=handler, title="首报：SJAQ-2026-0001",
        actor=SYSTEM,
    )  # fmt: skip
    return kind
