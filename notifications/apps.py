from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from core import metrics as ops

        from . import ops_metrics

        ops.register("outbox", ops_metrics.outbox)
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
        self._register_home()

    def _register_home(self):
        from accounts.roles import Role
        from core import home

        from . import selectors

        def unread(user):
            return {
                "items": selectors.unread_latest(user=user),
                "count": selectors.unread_count(user=user),
            }

        # Handlers start from their inbox.
        home.register(
            home.Panel(
                key="notifications.unread",
                title=_("Unread"),
                template="notifications/home/unread.html",
                context=unread,
                roles=frozenset({Role.INCIDENT_HANDLER}),
                order=3,
            )
        )
