from auditlog.admin import LogEntryAdmin
from django.contrib import admin

from accounts.policy.admin import PolicyAdmin

from .models import AuditEntry

# django-auditlog registers its own admin for the log model; ours never writes.
if admin.site.is_registered(AuditEntry):
    admin.site.unregister(AuditEntry)


@admin.register(AuditEntry)
class AuditEntryAdmin(PolicyAdmin, LogEntryAdmin):
    list_display = ["id", "created", "resource_url", "action", "channel", "msg_short", "user_url"]
    list_filter = ["action", "channel", "content_type"]
    list_select_related = ["content_type", "actor"]
    readonly_fields = [
        "created",
        "resource_url",
        "action",
        "channel",
        "user_url",
        "actor_email",
        "remote_addr",
        "cid",
        "msg",
        "prev_hash",
        "entry_hash",
    ]
    fieldsets = [
        (None, {"fields": ["created", "user_url", "actor_email", "channel", "resource_url"]}),
        (None, {"fields": ["action", "msg"]}),
        (None, {"fields": ["remote_addr", "cid", "prev_hash", "entry_hash"]}),
    ]
    actions = None
    policy_actions: dict[str, str] = {}  # nobody writes the log

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    # Not even a superuser, and not as a cascade of deleting something else.
    def has_delete_permission(self, request, obj=None):
        return False
