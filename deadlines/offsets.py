"""Offsets of reminder steps, written as people write them: "-7d", "-2h", "-30m", "0", "+1h".

Pure functions (no models), so data migrations can use them with historical models.
"""

import re
from datetime import timedelta

_OFFSET_RE = re.compile(r"^\s*([+-]?)\s*(\d+)\s*([dhm]?)\s*$")
_UNIT_SECONDS = {"d": 86400, "h": 3600, "m": 60, "": 0}


def parse_offset(text) -> int:
    """Seconds from the due time ("-1d" -> -86400). Raises ValueError on anything else."""
    if isinstance(text, int):
        return text
    match = _OFFSET_RE.match(str(text))
    if not match:
        raise ValueError(f"not an offset: {text!r} (use e.g. -7d, -2h, -30m, 0, +1h)")
    sign, number, unit = match.groups()
    amount = int(number)
    if unit == "" and amount != 0:
        raise ValueError(f"offset {text!r} needs a unit: d, h or m")
    seconds = amount * _UNIT_SECONDS[unit]
    return -seconds if sign == "-" else seconds


def parse_interval(text) -> int | None:
    """A repeat interval ("1d", "12h"): positive seconds, or None for an empty value."""
    if text in (None, "", 0):
        return None
    seconds = parse_offset(text)
    if seconds <= 0:
        raise ValueError(f"a repeat interval must be positive: {text!r}")
    return seconds


def format_offset(seconds: int) -> str:
    if seconds == 0:
        return "0"
    sign = "-" if seconds < 0 else "+"
    value = abs(seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if value % size == 0:
            return f"{sign}{value // size}{unit}"
    return f"{sign}{value // 60}m"


def as_timedelta(seconds: int | None) -> timedelta | None:
    return None if seconds is None else timedelta(seconds=seconds)
