"""Working days on the mainland calendar (2026 holidays and make-up days; 2027 unknown to the
library), and hour deadlines exact to the minute in Asia/Shanghai."""

from datetime import UTC, date, datetime, timedelta

import pytest

from deadlines import calendar as work_calendar
from deadlines.calendar import SHANGHAI
from deadlines.models import HolidayOverride

pytestmark = pytest.mark.django_db


def sh(*args):
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    "start, days, expected",
    [
        # National Day 2026: Oct 1-7 off, Sun Sep 20 and Sat Oct 10 are make-up working days.
        (sh(2026, 9, 30, 10, 0), 1, sh(2026, 10, 8, 10, 0)),
        (sh(2026, 9, 30, 10, 0), 3, sh(2026, 10, 10, 10, 0)),
        (sh(2026, 9, 30, 10, 0), 4, sh(2026, 10, 12, 10, 0)),
        (sh(2026, 9, 18, 17, 30), 1, sh(2026, 9, 20, 17, 30)),
        (sh(2026, 10, 3, 9, 0), 1, sh(2026, 10, 8, 9, 0)),
        # Spring Festival 2026: Feb 15-23 off, Sat Feb 14 and Sat Feb 28 are working days.
        (sh(2026, 2, 13, 9, 0), 1, sh(2026, 2, 14, 9, 0)),
        (sh(2026, 2, 13, 9, 0), 2, sh(2026, 2, 24, 9, 0)),
        (sh(2026, 2, 27, 9, 0), 1, sh(2026, 2, 28, 9, 0)),
        (sh(2026, 2, 27, 9, 0), 2, sh(2026, 3, 2, 9, 0)),
        (sh(2026, 2, 24, 9, 0), -1, sh(2026, 2, 14, 9, 0)),
    ],
)
def test_working_days_across_2026_holidays(start, days, expected):
    due, confirmed = work_calendar.add_working_days(start, days)
    assert due == expected
    assert confirmed is True


def test_working_days_into_2027_without_override_are_a_guess():
    due, confirmed = work_calendar.add_working_days(sh(2026, 12, 30, 15, 0), 3)
    # Dec 31, then Fri Jan 1 2027 counted as a weekday (the library does not know 2027).
    assert due == sh(2027, 1, 4, 15, 0)
    assert confirmed is False
    assert work_calendar.is_working_day(date(2027, 1, 1)) == (True, False)
    assert work_calendar.is_working_day(date(2026, 12, 31)) == (True, True)


def test_one_override_does_not_confirm_the_rest_of_an_unknown_year():
    HolidayOverride.objects.create(date=date(2027, 1, 1), is_working_day=False, name="元旦")
    due, confirmed = work_calendar.add_working_days(sh(2026, 12, 30, 15, 0), 3)
    assert due == sh(2027, 1, 5, 15, 0)  # the override counts
    assert confirmed is False  # but 2027's schedule is not marked complete
    assert work_calendar.is_working_day(date(2027, 1, 1)) == (False, False)
    # Spring Festival 2027 (6–12 February per the expected arrangement) reads as a guess.
    assert work_calendar.is_working_day(date(2027, 2, 8)) == (True, False)


def test_a_year_is_confirmed_once_its_schedule_is_marked_complete():
    from deadlines.models import CalendarYear

    HolidayOverride.objects.create(date=date(2027, 1, 1), is_working_day=False, name="元旦")
    CalendarYear.objects.create(
        year=2027, schedule_complete=True, notice_reference="国办发明电〔2026〕X号"
    )
    due, confirmed = work_calendar.add_working_days(sh(2026, 12, 30, 15, 0), 3)
    assert (due, confirmed) == (sh(2027, 1, 5, 15, 0), True)
    assert work_calendar.is_working_day(date(2027, 1, 1)) == (False, True)
    assert work_calendar.is_working_day(date(2027, 1, 9)) == (False, True)  # a Saturday


def test_override_make_up_working_day_and_correction_of_library():
    HolidayOverride.objects.create(date=date(2027, 2, 20), is_working_day=True, name="调休")
    assert work_calendar.is_working_day(date(2027, 2, 20)) == (True, False)  # year unconfirmed
    HolidayOverride.objects.create(date=date(2026, 12, 31), is_working_day=False, name="test")
    assert work_calendar.is_working_day(date(2026, 12, 31)) == (False, True)


def test_end_of_day_option():
    due, confirmed = work_calendar.add_working_days(sh(2026, 9, 30, 10, 0), 1, end_of_day=True)
    assert due == sh(2026, 10, 8, 23, 59, 59)


def test_hours_are_exact_to_the_minute_in_shanghai():
    start_utc = datetime(2026, 9, 30, 15, 37, tzinfo=UTC)  # 23:37 in Shanghai
    due = work_calendar.add_hours(start_utc, 1)
    assert due == sh(2026, 10, 1, 0, 37)
    assert due.utcoffset() == timedelta(hours=8)
    assert (due.hour, due.minute) == (0, 37)
    assert work_calendar.add_hours(sh(2026, 2, 14, 23, 59), 0.5) == sh(2026, 2, 15, 0, 29)
    # Holidays do not stop the clock for hour deadlines.
    assert work_calendar.add_hours(sh(2026, 10, 1, 8, 0), 24) == sh(2026, 10, 2, 8, 0)


def test_calendar_days_keep_the_local_clock():
    assert work_calendar.add_calendar_days(sh(2026, 12, 30, 18, 5), 3) == sh(2027, 1, 2, 18, 5)
    start_utc = datetime(2026, 12, 31, 17, 0, tzinfo=UTC)  # Jan 1 01:00 in Shanghai
    assert work_calendar.add_calendar_days(start_utc, 1) == sh(2027, 1, 2, 1, 0)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        work_calendar.add_hours(datetime(2026, 1, 1, 9, 0), 1)
