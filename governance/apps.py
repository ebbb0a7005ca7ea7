from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = _("Governance")

    def ready(self):
        from core import search as search_registry

        from . import search

        for source in search.SOURCES:
            search_registry.register(source)
        from accounts.policy import ANY_ROLE, FIRM_WIDE, HANDLERS
        from audit.registry import register_app
        from core.navigation import NavItem, register
        from deadlines.resolvers import register_deputy_resolver, register_role_resolver

        from . import (
            demo,  # noqa: F401  (registers the demo seeder)
            obligations,
            resolvers,
        )

        register_app(self)

        from security import files

        files.register("governance.CooperationAgreement", "document")
        files.register("governance.MeetingAttachment", "file", owner="meeting")
        files.register("governance.ObligationEvidence", "file", owner="period")

        register_role_resolver(resolvers.resolve_contact_role)
        register_deputy_resolver(resolvers.deputy_of)
        obligations.register_builtin_rules()

        officers = FIRM_WIDE
        for item in (
            NavItem("compliance", _("Compliance dashboard"), "governance:dashboard", officers, 10),
            NavItem(
                "compliance",
                _("Cooperation agreements"),
                "governance:agreement-list",
                FIRM_WIDE | HANDLERS,
                20,
            ),
            NavItem(
                "compliance",
                _("Sharing registrations"),
                "governance:registration-list",
                ANY_ROLE,
                30,
            ),
            NavItem("compliance", _("Meetings"), "governance:meeting-list", officers, 40),
            NavItem("my", _("Contact directory"), "governance:directory", frozenset(), 60),
            NavItem("audit", _("Sharing log"), "governance:sharing-log", officers, 20),
        ):
            register(item)
