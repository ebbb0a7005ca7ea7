"""The rules table: one predicate per action, asked by services (require) and by views, API
permissions and the admin (allows)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from core.errors import NotPermitted as PolicyDenied


class _System:
    """The documented system actor: beat, alert intake, commands. Passes every rule."""

    is_authenticated = True
    is_active = True
    pk = None
    id = None

    def __repr__(self) -> str:
        return "SYSTEM"

    def __str__(self) -> str:
        return "system"


SYSTEM = _System()


def person(actor):
    """The user to record as having done something (created_by, requested_by): None when the
    system acted."""
    return None if actor is SYSTEM else actor


Predicate = Callable[..., bool]


@dataclass(frozen=True)
class Rule:
    action: str
    predicate: Predicate
    # What the refusal says ("只有合规专员可以批准协议。"); shown to the user.
    message: str
    # Whether the predicate needs the object (rules on owner, team, participant role).
    needs_object: bool


_RULES: dict[str, Rule] = {}


def rule(action: str, *, message, needs_object: bool = False):
    """Register `predicate(user, obj=None) -> bool` as the rule for `action`."""

    def register(predicate: Predicate) -> Predicate:
        if action in _RULES:
            raise ValueError(f"policy rule {action!r} registered twice")
        _RULES[action] = Rule(action, predicate, message, needs_object)
        return predicate

    return register


def actions() -> dict[str, Rule]:
    return dict(_RULES)


def _active(user) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
    )


def allows(user, action: str, obj=None) -> bool:
    try:
        r = _RULES[action]
    except KeyError:
        raise KeyError(f"no policy rule for {action!r}") from None
    if user is SYSTEM:
        return True
    if not _active(user):
        return False
    if r.needs_object and obj is None:
        return False
    return bool(r.predicate(user, obj))


def require(actor, action: str, obj=None) -> None:
    """Raise PolicyDenied unless `actor` may do `action` (on `obj`). A missing actor is refused:
    code that runs for nobody passes `SYSTEM` explicitly."""
    if actor is None:
        raise PolicyDenied(_("This action needs a signed-in user."))
    if not allows(actor, action, obj):
        raise PolicyDenied(_RULES[action].message)
