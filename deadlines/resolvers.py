"""Who a step's recipients are, resolved when the step fires.

Built in: "owner" (the owning user, or the users of `owner_role` when no user owns it),
"owner_manager", "owner_deputy" (nobody until an app registers a deputy resolver),
"user:<username>", "group:<group name>", "role:<code>" (asked of every registered role
resolver in order; the first that answers a list wins; a permission role such as
"role:compliance_officer" falls back to that group's members).
"""

import logging
from collections.abc import Callable

from django.contrib.auth import get_user_model

logger = logging.getLogger(__name__)

RoleResolver = Callable[[str, object, object], list | None]
DeputyResolver = Callable[[object, object, object], object | None]

_role_resolvers: list[RoleResolver] = []
_deputy_resolvers: list[DeputyResolver] = []


def register_role_resolver(resolver: RoleResolver) -> RoleResolver:
    """resolver(role_code, at, deadline) -> [users] or None (None: "not a role I know")."""
    if resolver not in _role_resolvers:
        _role_resolvers.append(resolver)
    return resolver


def unregister_role_resolver(resolver: RoleResolver) -> None:
    if resolver in _role_resolvers:
        _role_resolvers.remove(resolver)


def register_deputy_resolver(resolver: DeputyResolver) -> DeputyResolver:
    """resolver(user, at, deadline) -> the user's deputy (or a list of users), or None."""
    if resolver not in _deputy_resolvers:
        _deputy_resolvers.append(resolver)
    return resolver


def unregister_deputy_resolver(resolver: DeputyResolver) -> None:
    if resolver in _deputy_resolvers:
        _deputy_resolvers.remove(resolver)


def _as_list(value) -> list:
    if value is None:
        return []
    if isinstance(value, list | tuple | set):
        return list(value)
    if hasattr(value, "__iter__") and not hasattr(value, "pk"):
        return list(value)
    return [value]


def resolve_role(role_code: str, *, at, deadline) -> list:
    for resolver in list(_role_resolvers):
        try:
            answer = resolver(role_code, at, deadline)
        except Exception:
            logger.exception("role resolver %r failed for %s", resolver, role_code)
            continue
        if answer is not None:
            return _as_list(answer)
    from accounts.roles import Role

    if role_code in Role.values:
        return list(get_user_model().objects.filter(groups__name=role_code, is_active=True))
    return []


def owners(deadline, *, at) -> list:
    if deadline.owner_id:
        return [deadline.owner]
    if deadline.owner_role:
        return resolve_role(deadline.owner_role, at=at, deadline=deadline)
    return []


def resolve(spec: str, *, deadline, at) -> list:
    """Users for one recipient spec (possibly empty)."""
    User = get_user_model()
    if spec == "owner":
        return owners(deadline, at=at)
    if spec == "owner_manager":
        return [u.manager for u in owners(deadline, at=at) if u.manager_id]
    if spec == "owner_deputy":
        found = []
        for user in owners(deadline, at=at):
            for resolver in list(_deputy_resolvers):
                try:
                    answer = resolver(user, at, deadline)
                except Exception:
                    logger.exception("deputy resolver %r failed", resolver)
                    continue
                if answer is not None:
                    found.extend(_as_list(answer))
                    break
        return found
    prefix, _sep, rest = spec.partition(":")
    if prefix == "user":
        return list(User.objects.filter(username=rest, is_active=True))
    if prefix == "group":
        return list(User.objects.filter(groups__name=rest, is_active=True))
    if prefix == "role":
        return resolve_role(rest, at=at, deadline=deadline)
    logger.warning("unknown recipient %r on deadline %s", spec, deadline.pk)
    return []


def resolve_all(specs, *, deadline, at) -> list:
    """Active users for a list of specs, each once, in a stable order."""
    seen: dict[int, object] = {}
    for spec in specs:
        for user in resolve(spec, deadline=deadline, at=at):
            if user is not None and getattr(user, "is_active", True) and user.pk not in seen:
                seen[user.pk] = user
    return [seen[pk] for pk in sorted(seen)]
