"""Due-time arithmetic on the mainland calendar, in Asia/Shanghai.

Working days: an admin-entered HolidayOverride for the date wins (it is someone's deliberate
word, e.g. a correction or next year's State Council arrangement); then chinese-calendar, which
knows public holidays and make-up working days (调休) for the years it ships; then, for a year
neither knows, Monday–Friday. Every date of a year the library does not know stays
`confirmed=False` (overrides included) until an officer marks that year's published schedule
complete (a CalendarYear row with the State Council notice): one override row does not make a
whole year known. Nothing here raises for an unknown year.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _require_aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("deadline arithmetic needs an aware datetime")
    return value.astimezone(SHANGHAI)


def _library_answer(day: date) -> bool | None:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


class _Overrides:
    """Override rows, loaded one query per year touched."""

    def __init__(self):
        self._years: dict[int, dict[date, bool]] = {}
        self._complete: dict[int, bool] = {}

    def _year(self, year: int) -> dict[date, bool]:
        if year not in self._years:
            from .models import CalendarYear, HolidayOverride

            rows = HolidayOverride.objects.filter(date__year=year)
            self._years[year] = dict(rows.values_list("date", "is_working_day"))
            self._complete[year] = CalendarYear.objects.filter(
                year=year, schedule_complete=True
            ).exists()
        return self._years[year]

    def answer(self, day: date) -> tuple[bool, bool]:
        entered = self._year(day.year)
        library = _library_answer(day)
        known = library is not None or self._complete[day.year]
        if day in entered:
            return entered[day], known
        if library is not None:
            return library, True
        return day.weekday() < 5, known


def is_working_day(day: date) -> tuple[bool, bool]:
    """(is it a working day, is the answer confirmed) for a calendar date."""
    if isinstance(day, datetime):
        day = _require_aware(day).date()
    return _Overrides().answer(day)


def add_hours(start: datetime, hours: float) -> datetime:
    """Absolute hours (a report due "within 1 hour" is due 60 minutes later, night or not)."""
    return (_require_aware(start) + timedelta(hours=hours)).astimezone(SHANGHAI)


def add_calendar_days(start: datetime, days: int) -> datetime:
    local = _require_aware(start)
    moved = datetime.combine(local.date() + timedelta(days=days), local.time().replace(tzinfo=None))
    return moved.replace(tzinfo=SHANGHAI)


def add_working_days(
    start: datetime, days: int, *, end_of_day: bool = False
) -> tuple[datetime, bool]:
    """The same clock time on the `days`-th working day after `start`'s date (before it, for a
    negative count), and whether every day counted was confirmed by the calendar.

    `end_of_day=True` gives 23:59:59 on that day instead (a "within N working days" reading
    that lets the whole last day count).
    """
    local = _require_aware(start)
    if days == 0:
        return local, True
    step = 1 if days > 0 else -1
    overrides = _Overrides()
    confirmed = True
    counted = 0
    day = local.date()
    while counted < abs(days):
        day += timedelta(days=step)
        working, sure = overrides.answer(day)
        confirmed = confirmed and sure
        if working:
            counted += 1
    clock = time(23, 59, 59) if end_of_day else local.time().replace(tzinfo=None)
    return datetime.combine(day, clock).replace(tzinfo=SHANGHAI), confirmed


def working_days_between(first: date, last: date) -> tuple[int, bool]:
    """Working days in [first, last] and whether all were confirmed."""
    overrides = _Overrides()
    count, confirmed, day = 0, True, first
    while day <= last:
        working, sure = overrides.answer(day)
        count += working
        confirmed = confirmed and sure
        day += timedelta(days=1)
    return count, confirmed
