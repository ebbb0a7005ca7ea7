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

        register_app(
            self,
            options={
                # A confidential reporter is known only to the compliance head: the trail (read
                # by auditors and officers) records the concern without the reporter, and the
                # submission itself runs without an actor (services.concern_submit).
                "Concern": {"exclude_fields": ["reporter", "follow_code_hash"]},
                "ConcernMessage": {"exclude_fields": ["author"]},
            },
        )

        workers = frozenset({Role.INCIDENT_HANDLER, Role.COMPLIANCE_OFFICER, Role.ADMINISTRATOR})
        readers = workers | {Role.AUDITOR}
        register(NavItem("my", _("Report a concern"), "incidents:concern-new", frozenset(), 10))
        register(NavItem("my", _("My concerns"), "incidents:my-concerns", frozenset(), 11))
        register(
            NavItem(
                "my", _("My rectification items"), "incidents:my-rectifications", frozenset(), 12
            )
        )
        register(NavItem("incidents", _("Incidents"), "incidents:list", readers, 10))
        register(NavItem("incidents", _("New incident"), "incidents:create", workers, 11))
        register(NavItem("incidents", _("Emergency plans"), "incidents:plan-list", readers, 40))
        register(NavItem("incidents", _("Concern triage"), "incidents:concern-queue", readers, 12))
