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
