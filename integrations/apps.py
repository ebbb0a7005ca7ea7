from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = _("Integrations")

    def ready(self):
        from accounts.roles import Role, grant
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

        grant(Role.COMPLIANCE_OFFICER, "integrations.*")

        grant(Role.INCIDENT_HANDLER, "integrations.view_alert")

        register(NavItem("my", _("My API tokens"), "integrations:tokens", frozenset(), 50))
        triage = frozenset(
            {Role.INCIDENT_HANDLER, Role.COMPLIANCE_OFFICER, Role.AUDITOR, Role.ADMINISTRATOR}
        )
        register(NavItem("incidents", _("Alert triage"), "integrations:alert-queue", triage, 13))
        officers = frozenset({Role.COMPLIANCE_OFFICER, Role.AUDITOR, Role.ADMINISTRATOR})
        register(NavItem("compliance", _("Webhooks"), "integrations:webhooks", officers, 80))
        register(NavItem("audit", _("Period export"), "integrations:export", officers, 50))
