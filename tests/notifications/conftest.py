import pytest


@pytest.fixture
def recorded_enqueues(monkeypatch):
    """Outbox ids handed to the broker, instead of a broker (for tests without a worker)."""
    calls = []

    def fake(ids):
        calls.append(list(ids))
        return True

    monkeypatch.setattr("notifications.dispatch.enqueue_now", fake)
    return calls
