from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from accounts.policy.admin import PolicyAdmin
from core.errors import ApplicationError

from . import services
from .models import Alert, AlertSource, ApiToken, WebhookSubscription, new_secret


@admin.register(ApiToken)
class ApiTokenAdmin(PolicyAdmin):
    list_display = ["name", "user", "scope", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["scope", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "user__username", "user__display_name"]
    readonly_fields = [f.name for f in ApiToken._meta.fields if f.name != "token_hash"]
    exclude = ["token_hash"]
    actions = ["revoke"]
    # Tokens are created by their owner on "My API tokens" (the secret is shown once) and
    # revoked here, one by one through the service (which asks the policy per token).
    policy_actions: dict[str, str] = {}

    def has_revoke_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_authenticated

    @admin.action(description=_("Revoke the selected tokens"), permissions=["revoke"])
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
class AlertSourceAdmin(PolicyAdmin):
    """The signing secret is shown once, in the message after the source is created or its
    secret renewed; never again, to anyone (whoever reads it could forge alerts)."""

    list_display = ["name", "slug", "kind", "active", "created_at"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "slug"]
    exclude = ["secret"]
    readonly_fields = ["created_at"]
    actions = ["new_secret"]
    policy_actions = {
        "add": "integrations.alert_source.change",
        "change": "integrations.alert_source.change",
    }

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            self.message_user(
                request,
                _(
                    "Signing secret of %(name)s, shown only now: %(secret)s — give it to the "
                    "monitoring system."
                )
                % {"name": obj.name, "secret": obj.secret},
                messages.WARNING,
            )

    @admin.action(description=_("Generate a new signing secret"), permissions=["change"])
    def new_secret(self, request, queryset):
        for source in queryset:
            source.secret = new_secret()
            source.save(update_fields=["secret"])
            self.message_user(
                request,
                _("New signing secret of %(name)s, shown only now: %(secret)s")
                % {"name": source.name, "secret": source.secret},
                messages.WARNING,
            )
        self.message_user(
            request,
            _(
                "New secrets generated; give them to the monitoring systems (old ones stop working)."
            ),
        )


@admin.register(Alert)
class AlertAdmin(PolicyAdmin):
    list_display = ["title", "source", "external_id", "severity", "state", "last_received_at"]
    list_filter = ["state", "severity", "source"]
    search_fields = ["title", "external_id"]
    readonly_fields = [f.name for f in Alert._meta.fields]

    list_select_related = ["source", "incident"]
    # Triage happens on the alert queue, through the services.
    policy_actions: dict[str, str] = {}


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(PolicyAdmin):
    """Read-only here: officers manage subscriptions on the Webhooks page (through services)."""

    list_display = ["name", "url", "active", "owner", "created_at", "disabled_at"]
    list_filter = ["active"]
    search_fields = ["name", "url"]
    exclude = ["secret"]
    readonly_fields = [f.name for f in WebhookSubscription._meta.fields if f.name != "secret"]

    list_select_related = ["owner"]
    policy_actions: dict[str, str] = {}
