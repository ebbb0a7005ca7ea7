"""A missed report deadline escalates through the engine: incident lead, then compliance head."""

import datetime

import pytest

from deadlines import sweeper
from deadlines.models import Deadline
from governance.models import ContactRole, ContactRoleAssignment
from notifications.models import Outbox
from reporting.models import RegulatoryReport

from .conftest import NON_CII, grade, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def contacts(head, handler2):
    """The firm's incident lead (on duty: handler2) and compliance head (head), as governance
    contact roles, which answer the engine's role:<code> recipients."""
    for role, user in ((ContactRole.INCIDENT_LEAD, handler2), (ContactRole.COMPLIANCE_HEAD, head)):
        ContactRoleAssignment.objects.create(
            role=role, holder=user, valid_from=datetime.date(2026, 1, 1)
        )


def recipients(deadline, offset):
    return set(
        Outbox.objects.filter(deadline=deadline, step__offset=offset).values_list(
            "recipient__username", flat=True
        )
    )


def test_missed_deadline_escalates_to_lead_then_compliance_head(
    cii_incident, handler, officer, contacts, clock
):
    incident = grade(cii_incident(**NON_CII), "III", handler)
    report = RegulatoryReport.objects.get(incident=incident, recipient="cac", stage="initial")
    deadline = report.deadline
    assert deadline.due_at == local(2026, 3, 10, 13, 17)

    clock(local(2026, 3, 10, 13, 16))
    sweeper.sweep(now=local(2026, 3, 10, 13, 16))
    deadline.refresh_from_db()
    assert deadline.state == Deadline.State.OPEN
    assert recipients(deadline, "0") == set()

    clock(local(2026, 3, 10, 13, 18))
    sweeper.sweep(now=local(2026, 3, 10, 13, 18))
    deadline.refresh_from_db()
    assert deadline.state == Deadline.State.MISSED
    # The report's owner (the case's assignee) and the incident lead.
    assert recipients(deadline, "0") == {"handler", "handler2"}
    assert recipients(deadline, "+1h") == set()

    clock(local(2026, 3, 10, 14, 18))
    sweeper.sweep(now=local(2026, 3, 10, 14, 18))
    assert recipients(deadline, "+1h") == {"head"}  # the compliance head, nobody else
    assert "officer" not in recipients(deadline, "+1h")


def test_missed_follow_up_opens_the_next_one(cii_incident, handler, clock):
    incident = grade(cii_incident(), "III", handler)
    first = RegulatoryReport.objects.get(incident=incident, stage="follow_up")
    assert first.due_at == local(2026, 3, 10, 11, 17)
    clock(local(2026, 3, 10, 11, 20))
    sweeper.sweep(now=local(2026, 3, 10, 11, 20))
    second = RegulatoryReport.objects.get(incident=incident, stage="follow_up", sequence=2)
    assert second.due_at == local(2026, 3, 10, 12, 17)
    assert second.deadline.state == Deadline.State.OPEN
