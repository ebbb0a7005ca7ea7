from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = _("Incidents")

    def ready(self):
        from accounts.roles import Role
        from audit.registry import register_app
        from core.navigation import NavItem, register

        from . import demo  # noqa: F401  (registers the demo seeder)

        register_app(self)

        workers = frozenset({Role.INCIDENT_HANDLER, Role.COMPLIANCE_OFFICER, Role.ADMINISTRATOR})
        readers = workers | {Role.AUDITOR}
        # Auditors read and change nothing: the form would refuse them (policy is_writer).
        from accounts.policy.roles import WRITERS

        register(NavItem("my", _("Report a concern"), "incidents:concern-new", WRITERS, 10))
        register(NavItem("my", _("My concerns"), "incidents:my-concerns", frozenset(), 11))
        register(
            NavItem(
                "my", _("My rectification items"), "incidents:my-rectifications", frozenset(), 12
            )
        )
        register(NavItem("incidents", _("Incidents"), "incidents:list", readers, 10))
        register(NavItem("incidents", _("New incident"), "incidents:create", workers, 11))
        register(NavItem("incidents", _("Concern triage"), "incidents:concern-queue", readers, 12))
