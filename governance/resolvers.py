"""Contact roles answer the deadline engine's "role:<code>" recipients.

On the moment a step fires, the role reaches whoever holds it then. When the holder's assignment
has ended (or the holder's account is disabled) and nobody took over, the deputy named on the
most recent assignment is reached instead; an incident lead who is vacant with no deputy falls
back to the deputy incident lead."""

import datetime

from django.db.models import Q
from django.utils import timezone

from .models import ContactRole, ContactRoleAssignment, CooperationAgreement

# A vacant role with no deputy falls back to this role's holders.
FALLBACK_ROLE: dict[str, str] = {ContactRole.INCIDENT_LEAD: ContactRole.DEPUTY_INCIDENT_LEAD}


def _local_day(at) -> datetime.date:
    if isinstance(at, datetime.datetime):
        return timezone.localdate(at) if timezone.is_aware(at) else at.date()
    return at or timezone.localdate()


def _scope_filters(deadline) -> list[Q]:
    """Most specific scope first: the deadline's agreement, then the firm."""
    scopes = []
    subject = getattr(deadline, "subject", None) if deadline is not None else None
    if isinstance(subject, CooperationAgreement):
        scopes.append(Q(agreement=subject))
    scopes.append(Q(agreement__isnull=True, department__isnull=True))
    return scopes


def holders_of(role_code: str, at, deadline=None, *, _seen=None) -> list:
    day = _local_day(at)
    for scope in _scope_filters(deadline):
        rows = ContactRoleAssignment.objects.filter(scope, role=role_code).select_related(
            "holder", "deputy"
        )
        current = [
            a
            for a in rows.filter(valid_from__lte=day).filter(
                Q(valid_until__isnull=True) | Q(valid_until__gte=day)
            )
        ]
        users = []
        for a in current:
            if a.holder.is_active:
                users.append(a.holder)
            elif a.deputy is not None and a.deputy.is_active:
                users.append(a.deputy)  # holder away (account disabled): the deputy stands in
        if users:
            return users
        ended = (
            rows.filter(valid_until__lt=day, deputy__isnull=False, deputy__is_active=True)
            .order_by("-valid_until", "-id")
            .first()
        )
        if ended:
            return [ended.deputy]
    fallback = FALLBACK_ROLE.get(role_code)
    seen = _seen or set()
    if fallback and fallback not in seen:
        return holders_of(fallback, at, deadline, _seen=seen | {role_code})
    return []


def resolve_contact_role(role_code, at, deadline):
    """Engine hook: users for a contact role, or None for a code that is not a contact role."""
    if role_code not in ContactRole.values:
        return None
    return holders_of(role_code, at or timezone.now(), deadline)


def deputy_of(user, at, deadline):
    """Engine hook for "owner_deputy": the deputy on the owner's current contact role."""
    day = _local_day(at)
    row = (
        ContactRoleAssignment.objects.current(day)
        .filter(holder=user, deputy__isnull=False, deputy__is_active=True)
        .select_related("deputy")
        .order_by("-valid_from", "id")
        .first()
    )
    return row.deputy if row else None
