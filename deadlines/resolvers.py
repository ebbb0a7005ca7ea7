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


def deputies_of(user, *, at, deadline) -> list:
    """The first registered deputy resolver's answer for `user` (possibly empty)."""
    for resolver in list(_deputy_resolvers):
        try:
            answer = resolver(user, at, deadline)
        except Exception:
            logger.exception("deputy resolver %r failed", resolver)
            continue
        if answer is not None:
            return _as_list(answer)
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
            found.extend(deputies_of(user, at=at, deadline=deadline))
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


class BatchResolver:
    """The same answers as `resolve_all`, remembered for one sweep batch so a thousand
    deadlines with the same steps cost a handful of queries instead of one or more per row.

    What is remembered and under which key:
    - "user:…" and "group:…": per spec (they do not depend on time or deadline);
    - "role:…" (and an owner role): per (role, time, subject) — a role resolver may scope its
      answer by the deadline's subject (governance scopes contact roles by agreement); a
      resolver that sets `resolver.depends_on_subject = False` is cached per (role, time);
    - "owner_deputy": per (owner, time, subject), for the same reason.
    "owner" and "owner_manager" read the rows the sweeper fetched with the deadlines
    (`select_related("owner__manager")`). A batch is short (one transaction), so the answers
    cannot go stale in a way the uncached path would not.
    """

    def __init__(self):
        self._specs: dict = {}
        self._roles: dict = {}
        self._deputies: dict = {}
        self._all: dict = {}

    @staticmethod
    def _subject_key(deadline):
        if deadline is None:
            return None
        return (deadline.content_type_id, deadline.object_id)

    def role(self, role_code: str, *, at, deadline) -> list:
        scoped = any(getattr(r, "depends_on_subject", True) for r in _role_resolvers)
        key = (role_code, at, self._subject_key(deadline) if scoped else None)
        if key not in self._roles:
            self._roles[key] = resolve_role(role_code, at=at, deadline=deadline)
        return self._roles[key]

    def owners(self, deadline, *, at) -> list:
        if deadline.owner_id:
            return [deadline.owner]
        if deadline.owner_role:
            return self.role(deadline.owner_role, at=at, deadline=deadline)
        return []

    def resolve(self, spec: str, *, deadline, at) -> list:
        if spec == "owner":
            return self.owners(deadline, at=at)
        if spec == "owner_manager":
            return [u.manager for u in self.owners(deadline, at=at) if u.manager_id]
        if spec == "owner_deputy":
            found = []
            for user in self.owners(deadline, at=at):
                key = (user.pk, at, self._subject_key(deadline))
                if key not in self._deputies:
                    self._deputies[key] = deputies_of(user, at=at, deadline=deadline)
                found.extend(self._deputies[key])
            return found
        prefix, _sep, rest = spec.partition(":")
        if prefix == "role":
            return self.role(rest, at=at, deadline=deadline)
        if prefix in ("user", "group"):
            if spec not in self._specs:
                self._specs[spec] = resolve(spec, deadline=deadline, at=at)
            return self._specs[spec]
        return resolve(spec, deadline=deadline, at=at)

    def resolve_all(self, specs, *, deadline, at) -> list:
        """Like `resolve_all`; specs that name no owner are answered once per (specs, time)."""
        specs = tuple(specs)
        personal = any(s in ("owner", "owner_manager", "owner_deputy") for s in specs)
        key = None
        if not personal:
            scoped = any(s.startswith("role:") for s in specs)
            key = (specs, at, self._subject_key(deadline) if scoped else None)
            if key in self._all:
                return self._all[key]
        seen: dict[int, object] = {}
        for spec in specs:
            for user in self.resolve(spec, deadline=deadline, at=at):
                if user is not None and getattr(user, "is_active", True) and user.pk not in seen:
                    seen[user.pk] = user
        answer = [seen[pk] for pk in sorted(seen)]
        if key is not None:
            self._all[key] = answer
        return answer
