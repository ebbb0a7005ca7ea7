"""Registry through which other apps veto closing a case.

    from incidents.closing import register_close_blocker

    def report_due(incident) -> list[str]:
        return [_("The final report is still due.")] if ... else []

    register_close_blocker(report_due)   # from AppConfig.ready()

`incident_close` refuses, listing every reason, while any blocker returns one.
"""

from collections.abc import Callable

_blockers: list[Callable] = []


def register_close_blocker(func: Callable) -> Callable:
    if func not in _blockers:
        _blockers.append(func)
    return func


def unregister_close_blocker(func: Callable) -> None:
    if func in _blockers:
        _blockers.remove(func)


def close_blocking_reasons(incident) -> list[str]:
    reasons: list[str] = []
    for func in list(_blockers):
        reasons.extend(str(r) for r in (func(incident) or []))
    return reasons
