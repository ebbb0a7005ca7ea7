"""The API's one permission class: it asks the policy, it never decides.

A view lists the policy action for each write it offers:

    policy_actions = {"create": "governance.agreement.create",
                      "partial_update": "governance.agreement.change",
                      "submit": "governance.agreement.submit"}

keyed by the viewset action (or the lower-case HTTP method on a plain APIView). Reads need a
signed-in active user (and the view's `policy_read` action, if it names one); what they return is
the view's `visible_to` queryset. A write whose action is not listed is refused (safe by default).
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.relations import PrimaryKeyRelatedField

from .core import _RULES, allows
from .visibility import visible_to


def _action_of(request, view) -> str:
    return getattr(view, "action", None) or request.method.lower()


class PolicyPermission(BasePermission):
    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if request.method in SAFE_METHODS:
            read = getattr(view, "policy_read", None)
            return read is None or allows(user, read)
        action = getattr(view, "policy_actions", {}).get(_action_of(request, view))
        if action is None:
            return False
        if _RULES[action].needs_object:
            return True  # decided per object in has_object_permission
        return allows(user, action)

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS:
            return True
        action = getattr(view, "policy_actions", {}).get(_action_of(request, view))
        return action is not None and allows(request.user, action, obj)


class VisiblePrimaryKeyRelatedField(PrimaryKeyRelatedField):
    """A related id in a payload must name a record the caller may see. A record it may not see
    gets the same answer as one that does not exist, so errors never confirm which ids exist."""

    default_error_messages = {
        "does_not_exist": _("No such record, or you may not use it."),
        "incorrect_type": _("No such record, or you may not use it."),
    }

    def get_queryset(self):
        queryset = super().get_queryset()
        if queryset is None:  # a read-only field has no queryset to narrow
            return queryset
        request = self.context.get("request")
        return visible_to(getattr(request, "user", None), queryset)
