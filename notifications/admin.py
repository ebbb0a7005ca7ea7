from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from accounts import policy
from accounts.policy.admin import PolicyAdmin

from . import services
from .models import Outbox, WebhookEndpoint


@admin.register(Outbox)
class OutboxAdmin(PolicyAdmin):
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

    policy_actions: dict[str, str] = {}

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Outbox._meta.fields]

    @admin.action(description=_("Retry the selected failed or dead messages now"),
                  permissions=["retry"])  # fmt: skip
    def retry(self, request, queryset):
        count = services.outbox_retry(ids=queryset.values_list("id", flat=True))
        self.message_user(
            request, _("%(count)d messages queued again.") % {"count": count}, messages.SUCCESS
        )

    def has_retry_permission(self, request):
        return policy.allows(request.user, "notifications.outbox.retry")


class WebhookEndpointForm(forms.ModelForm):
    """The signing secret is written, never shown: an empty field keeps the secret it has."""

    secret = forms.CharField(
        label=_("signing secret"),
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the current secret. It is never shown again."),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "style", "url", "secret", "timeout_seconds", "active"]

    def clean_secret(self):
        typed = self.cleaned_data.get("secret", "")
        return typed or (self.instance.secret if self.instance.pk else "")


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(PolicyAdmin):
    form = WebhookEndpointForm
    list_display = ["name", "style", "url", "active", "timeout_seconds"]
    list_filter = ["style", "active"]
    search_fields = ["name", "url"]
    policy_actions = {
        "add": "notifications.endpoint.change",
        "change": "notifications.endpoint.change",
        "delete": "notifications.endpoint.change",
    }

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if not self.has_change_permission(request, obj):
            # A read-only view would print the value: the secret is never shown.
            fields = [f for f in fields if f != "secret"]
        return fields
