from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from audit.registry import audit_register
        from core.navigation import NavItem, register

        from .models import WebhookEndpoint

        audit_register(WebhookEndpoint, exclude_fields=["secret"])
        register(NavItem("my", _("Notifications"), "notifications:inbox", frozenset(), 30))
