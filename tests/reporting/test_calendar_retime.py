"""A calendar change re-times the open working-day deadlines of its year in one audited step and
tells the owners whose deadline moved; a year the library does not know stays unconfirmed until
an officer marks its published schedule complete."""

from datetime import date

import pytest

from accounts.policy import PolicyDenied
from audit.models import AuditEntry
from deadlines import services as deadline_services
from notifications.models import Outbox
from reporting.models import RegulatoryReport

from .conftest import NON_CII, grade, local, resolve

pytestmark = pytest.mark.django_db


@pytest.fixture
def final_into_2027(cii_incident, handler, clock):
    """A case resolved 2026-12-30 10:00: the CSRC summary counts 5 working days into 2027."""
    incident = grade(cii_incident(**NON_CII, discovered=local(2026, 12, 28, 9, 0)), "III", handler)
    clock(local(2026, 12, 30, 10, 5))
    resolve(incident, handler, local(2026, 12, 30, 10, 0))
    report = RegulatoryReport.objects.get(incident=incident, recipient="csrc_branch", stage="final")
    # 31 Dec; Fri 1 Jan 2027 guessed a working day (the library does not know 2027); 4, 5, 6.
    assert report.due_at == local(2027, 1, 6, 23, 59, 59)
    assert not report.calendar_confirmed and not report.deadline.calendar_confirmed
    return report


def moved_notices():
    return Outbox.objects.filter(dedupe_key__startswith="calendar-move")


def test_override_in_an_unknown_year_moves_the_deadline_and_stays_unconfirmed(
    final_into_2027, officer, handler
):
    report = final_into_2027
    cac = RegulatoryReport.objects.get(incident=report.incident, recipient="cac", stage="final")
    cac_due = cac.due_at
    revision = report.deadline.revision
    override, moves = deadline_services.calendar_override_save(
        actor=officer, date=date(2027, 1, 1), is_working_day=False, name="元旦", source="测试"
    )
    report.refresh_from_db()
    report.deadline.refresh_from_db()
    assert report.due_at == local(2027, 1, 7, 23, 59, 59)
    assert report.deadline.due_at == report.due_at
    assert report.deadline.revision == revision + 1
    assert not report.calendar_confirmed and not report.deadline.calendar_confirmed
    assert [m["deadline"].pk for m in moves] == [report.deadline.pk]
    # The owner is told (in-app and e-mail); the calendar-day summary did not move.
    assert set(moved_notices().values_list("recipient__username", "channel")) == {
        ("handler", "inapp"),
        ("handler", "email"),
    }
    cac.refresh_from_db()
    assert cac.due_at == cac_due
    # One audit entry for the whole step, listing what moved.
    entry = AuditEntry.objects.get(additional_data__has_key="calendar_retime")
    moved = entry.additional_data["calendar_retime"]["moved"]
    assert [m["deadline"] for m in moved] == [report.deadline.pk]
    assert entry.actor == officer


def test_an_override_after_the_due_date_moves_nothing_and_tells_nobody(final_into_2027, officer):
    deadline_services.calendar_override_save(
        actor=officer, date=date(2027, 1, 7), is_working_day=False, name="测试"
    )
    final_into_2027.refresh_from_db()
    assert final_into_2027.due_at == local(2027, 1, 6, 23, 59, 59)
    assert not moved_notices().exists()


def test_marking_the_year_complete_confirms_without_moving(final_into_2027, officer):
    deadline_services.calendar_override_save(
        actor=officer, date=date(2027, 1, 1), is_working_day=False, name="元旦"
    )
    notices = moved_notices().count()
    with pytest.raises(Exception, match="State Council"):
        deadline_services.calendar_year_save(actor=officer, year=2027, schedule_complete=True)
    record, moves = deadline_services.calendar_year_save(
        actor=officer,
        year=2027,
        schedule_complete=True,
        notice_reference="国务院办公厅关于2027年部分节假日安排的通知",
    )
    assert record.completed_by == officer and moves == []
    report = final_into_2027
    report.refresh_from_db()
    report.deadline.refresh_from_db()
    assert report.due_at == local(2027, 1, 7, 23, 59, 59)
    assert report.calendar_confirmed and report.deadline.calendar_confirmed
    assert moved_notices().count() == notices


def test_only_officers_change_the_calendar(final_into_2027, handler):
    with pytest.raises(PolicyDenied):
        deadline_services.calendar_override_save(
            actor=handler, date=date(2027, 1, 1), is_working_day=False
        )
    with pytest.raises(PolicyDenied):
        deadline_services.calendar_year_save(
            actor=handler, year=2027, schedule_complete=True, notice_reference="x"
        )
