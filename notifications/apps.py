from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from audit.registry import register_app
        from core.navigation import NavItem, register

        register_app(
            self,
            skip={
                "Outbox": "delivery attempts of messages; the records they announce are recorded",
                "InboxItem": "a person's copy of a notification and its read mark",
                "CalendarFeed": "a person's secret feed address, not a record of the firm",
            },
            options={"WebhookEndpoint": {"exclude_fields": ["secret"]}},
        )
        register(NavItem("my", _("Inbox"), "notifications:inbox", frozenset(), 30))
