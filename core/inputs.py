"""Input no one means, refused with a message before it reaches a parser's limits, a time-zone
conversion or the database: a NUL character, JSON nested too deeply, NaN, an implausible date.
Imports nothing of DRF's views (DRF imports the JSON parser from its settings)."""

from datetime import datetime, timedelta

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, parsers

# Real time zones lie between UTC−12:00 and UTC+14:00; PostgreSQL refuses offsets from 16 h.
MAX_UTC_OFFSET = timedelta(hours=14)
NUL_MESSAGE = _("Text cannot contain the NUL character (\\0).")
TOO_DEEP_MESSAGE = _("The JSON body is nested too deeply.")
TOO_LARGE_MESSAGE = _("The request body is too large.")
IMPLAUSIBLE_YEAR_MESSAGE = _("Enter a date between the years 1900 and 2999.")
IMPLAUSIBLE_OFFSET_MESSAGE = _("Enter a UTC offset between −12:00 and +14:00.")


def contains_nul(data) -> bool:
    """True if a text anywhere in parsed JSON (keys included) holds U+0000, which PostgreSQL
    stores in neither text nor jsonb. Iterative: the depth of the data does not matter."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return False


def implausible_datetime(value: datetime):
    """The message saying why no one means this date and time, or None: a year outside
    1900–2999 (Asia/Shanghai before 1900 is local mean time, and such dates are always typing
    mistakes in this domain) or a UTC offset beyond ±14:00 (no time zone has one)."""
    offset = value.utcoffset()
    if offset is not None and abs(offset) > MAX_UTC_OFFSET:
        return IMPLAUSIBLE_OFFSET_MESSAGE
    if not 1900 <= value.year <= 2999:
        return IMPLAUSIBLE_YEAR_MESSAGE
    return None


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser (strict: NaN and Infinity are refused), and a body nested too deeply
    for the parser or holding a NUL character anywhere is a 400, not a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(TOO_DEEP_MESSAGE)
        if contains_nul(data):
            raise exceptions.ParseError(NUL_MESSAGE)
        return data
