from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = _("Integrations")

    def ready(self):
        from accounts.policy import AUDITORS, FIRM_WIDE, HANDLERS
        from audit.registry import register_app
        from core.navigation import NavItem, register

        from . import receivers, schema  # noqa: F401  (schema: OpenAPI extension)

        register_app(
            self,
            skip={"AlertReceipt": "replay-window signatures, pruned; the alert itself is recorded"},
            options={
                "ApiToken": {"exclude_fields": ["token_hash", "last_used_at"]},
                "AlertSource": {"exclude_fields": ["secret"]},
                "WebhookSubscription": {"exclude_fields": ["secret"]},
            },
        )
        receivers.connect()

        register(NavItem("my", _("My API tokens"), "integrations:tokens", frozenset(), 50))
        triage = HANDLERS | AUDITORS
        register(NavItem("incidents", _("Alert triage"), "integrations:alert-queue", triage, 13))
        officers = FIRM_WIDE
        register(NavItem("compliance", _("Webhooks"), "integrations:webhooks", officers, 80))
        register(NavItem("audit", _("Period export"), "integrations:export", officers, 50))
