"""The one place that decides which objects a user may see.

Every list page, API endpoint and admin changelist goes through `visible_to(user, queryset)`.
Firm-wide roles see everything; anyone else sees what the model's own rule returns. A model
states its rule as a classmethod `visibility_q(user) -> Q`; a model without one is invisible
to users outside the firm-wide roles (safe by default).
"""

from django.db import models

from ..roles import FIRM_WIDE_ROLES, Role, user_roles


def sees_everything(user) -> bool:
    return bool(user_roles(user) & FIRM_WIDE_ROLES)


def can_write(user) -> bool:
    """Auditors read everything but never write."""
    roles = user_roles(user)
    return bool(roles) and roles != {Role.AUDITOR}


def visible_to(user, queryset: models.QuerySet) -> models.QuerySet:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    if sees_everything(user):
        return queryset
    rule = getattr(queryset.model, "visibility_q", None)
    if rule is None:
        return queryset.none()
    return queryset.filter(rule(user))


def can_see(user, obj) -> bool:
    """`visible_to` for one object already loaded: the model states the same rule as a
    predicate, `sees(user)` (a test keeps each model's two forms in step)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if sees_everything(user):
        return True
    sees = getattr(obj, "sees", None)
    if sees is None or getattr(type(obj), "visibility_q", None) is None:
        return False
    return bool(sees(user))


class VisibleQuerySet(models.QuerySet):
    def visible_to(self, user):
        return visible_to(user, self)
