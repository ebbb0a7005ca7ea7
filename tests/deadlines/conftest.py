import pytest

from deadlines.seeding import ensure_kind


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
def report_kind(db):
    return ensure_kind(
        None,
        code="test.report",
        label="Report due",
        steps=[
            {"offset": "-1h", "recipients": ["owner"], "channels": ["inapp", "email"]},
            {"offset": "0", "recipients": ["owner", "owner_manager"], "channels": ["inapp"]},
            {
                "offset": "+1h",
                "recipients": ["role:compliance_officer"],
                "channels": ["inapp"],
                "repeat_every": "1d",
            },
        ],
    )
