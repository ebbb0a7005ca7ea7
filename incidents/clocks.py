"""The clocks of a case: what it owes and by when. Other apps add theirs (reporting: each
regulatory report of the case, with its recipient, stage and status) through this registry,
from their AppConfig.ready(), so incidents never imports them:

    from incidents import clocks

    def report_clocks(incident_ids) -> list[clocks.CaseClock]: ...

    clocks.register_source(report_clocks)

A source answers for many cases in one read (the home sorts a handler's cases by their nearest
clock). The incident page shows every clock of the case; its header, the nearest open one.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

_LAST = datetime.max.replace(tzinfo=UTC)
_sources: list[Callable[[list[int]], Iterable["CaseClock"]]] = []


@dataclass(frozen=True)
class CaseClock:
    incident_id: int
    title: str
    due_at: datetime | None
    url: str = ""
    done: bool = False  # nothing more is owed (submitted, cancelled, met)
    recipient: str = ""  # labels, in the reader's language
    stage: str = ""
    status: str = ""
    status_code: str = ""  # the status's code (badge colour)
    section: str = "reporting"


def register_source(func: Callable) -> Callable:
    if func not in _sources:
        _sources.append(func)
    return func


def unregister_source(func: Callable) -> None:
    if func in _sources:
        _sources.remove(func)


def clocks_for(incident_ids: list[int]) -> dict[int, list[CaseClock]]:
    """Every registered clock of these cases, earliest due first (undated last)."""
    found: dict[int, list[CaseClock]] = {pk: [] for pk in incident_ids}
    if not incident_ids:
        return found
    for source in list(_sources):
        for clock in source(list(incident_ids)) or []:
            found.setdefault(clock.incident_id, []).append(clock)
    for rows in found.values():
        rows.sort(key=_due_key)
    return found


def _due_key(clock: CaseClock):
    return (clock.due_at is None, clock.due_at or _LAST, clock.title)


def nearest(clocks: Iterable[CaseClock]) -> CaseClock | None:
    """The open clock due first."""
    open_ones = [c for c in clocks if not c.done and c.due_at is not None]
    return min(open_ones, key=_due_key) if open_ones else None
