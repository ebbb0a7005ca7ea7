from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit trail")

    def ready(self):
        from accounts.models import Department, JobRole, User
        from accounts.policy import FIRM_WIDE
        from core import navigation

        from . import hooks
        from .registry import audit_register

        hooks.enter_command_channel_if_cli()

        # The people tables are ground floor like us; domain apps register their own models.
        audit_register(
            User,
            exclude_fields=["password", "last_login"],
            m2m_fields={"groups", "user_permissions"},
        )
        audit_register(Department)
        audit_register(JobRole)

        navigation.register(
            navigation.NavItem(
                "audit",
                _("Audit log"),
                "audit:log",
                FIRM_WIDE,
                10,
            )
        )
