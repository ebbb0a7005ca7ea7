from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit trail")

    def ready(self):
        from accounts.models import Department, JobRole, User
        from accounts.roles import Role, grant
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

        # Officers answer to the regulator for the log, so they read it; they never write it
        # (nobody does). Auditors and administrators hold view_* already.
        grant(Role.COMPLIANCE_OFFICER, "audit.view_auditentry")
        navigation.register(
            navigation.NavItem(
                "audit",
                _("Audit log"),
                "audit:log",
                frozenset({Role.AUDITOR, Role.ADMINISTRATOR, Role.COMPLIANCE_OFFICER}),
                10,
            )
        )
