"""Role sets: the only place they are spelled out."""

from ..roles import FIRM_WIDE_ROLES, Role, user_roles

OFFICERS = frozenset({Role.COMPLIANCE_OFFICER, Role.ADMINISTRATOR})
HANDLERS = frozenset({Role.INCIDENT_HANDLER, Role.COMPLIANCE_OFFICER, Role.ADMINISTRATOR})
AUDITORS = frozenset({Role.AUDITOR})
STAFF = frozenset({Role.STAFF})
FIRM_WIDE = frozenset(FIRM_WIDE_ROLES)
# Every role that may change something (auditors read only).
WRITERS = frozenset(set(Role) - {Role.AUDITOR})
ANY_ROLE = frozenset(Role)
ADMINISTRATORS = frozenset({Role.ADMINISTRATOR})
ADMIN_SITE = frozenset({Role.COMPLIANCE_OFFICER, Role.AUDITOR, Role.ADMINISTRATOR})


def has_any(user, roles) -> bool:
    return bool(user_roles(user) & set(roles))


def is_writer(user) -> bool:
    """Has a role, and not only the auditor's (auditors read everything and change nothing)."""
    roles = user_roles(user)
    return bool(roles) and bool(roles & WRITERS)


def holders(roles) -> list:
    """The active people holding any of `roles` (administrators count as holding every role),
    in a stable order: who is told when work arrives for a role's queue."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    return list(
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__name__in=list(roles)) | Q(is_superuser=True))
        .distinct()
        .order_by("id")
    )


# Who triages what arrives: concerns, risk intelligence, monitoring alerts.
TRIAGERS = frozenset({Role.INCIDENT_HANDLER, Role.COMPLIANCE_OFFICER, Role.ADMINISTRATOR})
