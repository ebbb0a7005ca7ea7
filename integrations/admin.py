from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError

from . import services
from .models import Alert, AlertSource, ApiToken, WebhookSubscription, new_secret


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "scope", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["scope", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "user__username", "user__display_name"]
    readonly_fields = [f.name for f in ApiToken._meta.fields]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # created by their owner on "My API tokens" (the secret is shown once)

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revoke the selected tokens"), permissions=["delete"])
    def revoke(self, request, queryset):
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            try:
                services.token_revoke(token=token, actor=request.user)
                count += 1
            except ApplicationError as exc:
                self.message_user(request, exc.message, messages.ERROR)
        self.message_user(request, _("%(count)d tokens revoked.") % {"count": count})


@admin.register(AlertSource)
class AlertSourceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "active", "created_at"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "slug"]
    readonly_fields = ["secret", "created_at"]
    actions = ["new_secret"]

    @admin.action(description=_("Generate a new signing secret"), permissions=["change"])
    def new_secret(self, request, queryset):
        for source in queryset:
            source.secret = new_secret()
            source.save(update_fields=["secret"])
        self.message_user(
            request,
            _(
                "New secrets generated; give them to the monitoring systems (old ones stop working)."
            ),
        )


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["title", "source", "external_id", "severity", "state", "last_received_at"]
    list_filter = ["state", "severity", "source"]
    search_fields = ["title", "external_id"]
    readonly_fields = [f.name for f in Alert._meta.fields]

    def get_queryset(self, request):
        return Alert.objects.visible_to(request.user).select_related("source", "incident")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    """Read-only here: officers manage subscriptions on the Webhooks page (through services)."""

    list_display = ["name", "url", "active", "owner", "created_at", "disabled_at"]
    list_filter = ["active"]
    search_fields = ["name", "url"]
    exclude = ["secret"]
    readonly_fields = [f.name for f in WebhookSubscription._meta.fields if f.name != "secret"]

    def get_queryset(self, request):
        return WebhookSubscription.objects.visible_to(request.user).select_related("owner")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
