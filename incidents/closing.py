"""Registry through which other apps veto closing a case.

    from incidents.closing import register_close_blocker

    def report_due(incident) -> list[str]:
        return [_("The final report is still due.")] if ... else []

    register_close_blocker(report_due)   # from AppConfig.ready()

`incident_close` refuses, listing every reason, while any blocker returns one. A blocker may
return `Blocker(text, url)` instead of a string: the incident page links each to what must be
finished first.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Blocker:
    text: str
    url: str = ""

    def __str__(self):
        return self.text


_blockers: list[Callable] = []


def register_close_blocker(func: Callable) -> Callable:
    if func not in _blockers:
        _blockers.append(func)
    return func


def unregister_close_blocker(func: Callable) -> None:
    if func in _blockers:
        _blockers.remove(func)


def close_blocking_reasons(incident) -> list[str]:
    return [str(b) for b in close_blockers(incident)]


def close_blockers(incident) -> list[Blocker]:
    """Every registered veto, each as a Blocker (a plain string has no link)."""
    found: list[Blocker] = []
    for func in list(_blockers):
        for r in func(incident) or []:
            found.append(r if isinstance(r, Blocker) else Blocker(str(r)))
    return found
