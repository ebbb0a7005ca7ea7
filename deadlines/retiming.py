"""Re-timing after the working-day calendar changed.

The deadline engine does not know how a domain app computed a due time, so each app that counts
working days registers a retimer in its AppConfig.ready():

    retimer(deadline, *, reason, actor) -> (old_due, new_due) | None

It recomputes the deadline from its own rule (moving it through `deadline_move`) and answers the
move, or None when the deadline is not its own or did not move. Calendar services call every
retimer for every active deadline that may count days of the changed year."""

from collections.abc import Callable

Retimer = Callable[..., tuple | None]

_retimers: list[Retimer] = []


def register_retimer(retimer: Retimer) -> Retimer:
    if retimer not in _retimers:
        _retimers.append(retimer)
    return retimer


def unregister_retimer(retimer: Retimer) -> None:
    if retimer in _retimers:
        _retimers.remove(retimer)


def retimers() -> list[Retimer]:
    return list(_retimers)
