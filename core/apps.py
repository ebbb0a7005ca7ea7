from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Platform")

    def ready(self):
        from . import metrics, ops_metrics

        metrics.register("liveness", ops_metrics.liveness)
        from .api import install_serializer_defaults

        install_serializer_defaults()
        # Core's models are recorded in the audit trail by the audit app (core imports nothing
        # above it).
