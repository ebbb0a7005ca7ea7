"""The one base class for every ModelAdmin: it shows what the policy lets the user see and
offers add/change/delete only where the policy allows it. Both bases are django-unfold's
(issue 18), so every admin of the project wears the theme."""

from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from unfold.admin import BaseInlineMixin, PaginationInlineFormSet
from unfold.admin import ModelAdmin as UnfoldModelAdmin
from unfold.mixins import BaseModelAdminMixin

from .core import allows
from .roles import ADMIN_SITE, has_any
from .visibility import visible_to


class PolicyAdmin(UnfoldModelAdmin):
    # {"add": "governance.counterparty.create", "change": "...", "delete": "..."}; a missing
    # entry means nobody may do it through the admin.
    policy_actions: dict[str, str] = {}

    def get_queryset(self, request):
        return visible_to(request.user, super().get_queryset(request))

    # An officer sent here from a product page (`?next=/governance/...`) goes back there after
    # saving or deleting, unless they asked to stay ("save and continue", "save and add another").
    STAY = ("_continue", "_addanother", "_saveasnew", "_popup")

    def _back(self, request, response):
        target = request.GET.get("next") or request.POST.get("next") or ""
        if (
            target
            and response.status_code == 302
            and not any(key in request.POST for key in self.STAY)
            and url_has_allowed_host_and_scheme(
                target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            )
        ):
            return HttpResponseRedirect(target)
        return response

    def response_add(self, request, obj, post_url_continue=None):
        return self._back(request, super().response_add(request, obj, post_url_continue))

    def response_change(self, request, obj):
        return self._back(request, super().response_change(request, obj))

    def response_delete(self, request, obj_display, obj_id):
        return self._back(request, super().response_delete(request, obj_display, obj_id))

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


class PolicyInline(BaseInlineMixin, BaseModelAdminMixin):
    """Mixin for inlines (`class X(PolicyInline, admin.TabularInline)`): they follow the same
    table as their parent's admin and wear unfold's widgets, as unfold's own inlines do."""

    formset = PaginationInlineFormSet
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
