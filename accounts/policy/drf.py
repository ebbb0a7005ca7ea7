"""The API's one permission class: it asks the policy, it never decides.

A view lists the policy action for each write it offers:

    policy_actions = {"create": "governance.agreement.create",
                      "partial_update": "governance.agreement.change",
                      "submit": "governance.agreement.submit"}

keyed by the viewset action (or the lower-case HTTP method on a plain APIView). Reads need a
signed-in active user; what they return is the view's `visible_to` queryset. A write whose action
is not listed is refused (safe by default).
"""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from .core import _RULES, allows


def _action_of(request, view) -> str:
    return getattr(view, "action", None) or request.method.lower()


class PolicyPermission(BasePermission):
    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if request.method in SAFE_METHODS:
            return True
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
