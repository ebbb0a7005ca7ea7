from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Platform")

    def ready(self):
        from .api import install_serializer_defaults

        install_serializer_defaults()

        from audit.registry import audit_register

        from .models import FirmProfile

        audit_register(FirmProfile)
