"""The one base class for every ModelAdmin: it shows what the policy lets the user see and
offers add/change/delete only where the policy allows it."""

from django.contrib import admin

from .core import allows
from .roles import ADMIN_SITE, has_any
from .visibility import visible_to


class PolicyAdmin(admin.ModelAdmin):
    # {"add": "governance.counterparty.create", "change": "...", "delete": "..."}; a missing
    # entry means nobody may do it through the admin.
    policy_actions: dict[str, str] = {}

    def get_queryset(self, request):
        return visible_to(request.user, super().get_queryset(request))

    def _asks(self, request, what, obj=None) -> bool:
        action = self.policy_actions.get(what)
        return action is not None and allows(request.user, action, obj)

    def has_module_permission(self, request) -> bool:
        return has_any(request.user, ADMIN_SITE)

    def has_view_permission(self, request, obj=None) -> bool:
        return has_any(request.user, ADMIN_SITE)

    def has_add_permission(self, request) -> bool:
        return self._asks(request, "add")

    def has_change_permission(self, request, obj=None) -> bool:
        return self._asks(request, "change", obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._asks(request, "delete", obj)


class PolicyInline:
    """Mixin for inlines: they follow the same table as their parent's admin."""

    policy_actions: dict[str, str] = {}

    def has_add_permission(self, request, obj=None) -> bool:
        action = self.policy_actions.get("add")
        return action is not None and allows(request.user, action, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        action = self.policy_actions.get("change")
        return action is not None and allows(request.user, action, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        action = self.policy_actions.get("delete")
        return action is not None and allows(request.user, action, obj)

    def has_view_permission(self, request, obj=None) -> bool:
        return has_any(request.user, ADMIN_SITE)
