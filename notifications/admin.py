from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Outbox, WebhookEndpoint


@admin.register(Outbox)
class OutboxAdmin(admin.ModelAdmin):
    """Read-only: the outbox is written by the engine. Failed or dead rows can be retried."""

    list_display = [
        "id", "channel", "recipient", "endpoint", "subject", "state", "attempts",
        "scheduled_for", "sent_at", "next_attempt_at",
    ]  # fmt: skip
    list_filter = ["state", "channel"]
    search_fields = ["key", "subject", "recipient__username", "dedupe_key"]
    list_select_related = ["recipient", "endpoint"]
    date_hierarchy = "scheduled_for"
    actions = ["retry"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Outbox._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Retry the selected failed or dead messages now"),
                  permissions=["retry"])  # fmt: skip
    def retry(self, request, queryset):
        count = services.outbox_retry(ids=queryset.values_list("id", flat=True))
        self.message_user(
            request, _("%(count)d messages queued again.") % {"count": count}, messages.SUCCESS
        )

    def has_retry_permission(self, request):
        return request.user.has_perm("notifications.change_outbox")


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["name", "style", "url", "active", "timeout_seconds"]
    list_filter = ["style", "active"]
    search_fields = ["name", "url"]
