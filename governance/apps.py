from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = _("Governance")

    def ready(self):
        from accounts.roles import Role, grant
        from audit.registry import audit_register
        from core.navigation import NavItem, register
        from deadlines.resolvers import register_deputy_resolver, register_role_resolver

        from . import (
            demo,  # noqa: F401  (registers the demo seeder)
            models,
            obligations,
            resolvers,
        )

        for model in (
            models.Counterparty,
            models.CounterpartyContact,
            models.CooperationAgreement,
            models.SharingRegistration,
            models.SharingLogEntry,
            models.ContactRoleAssignment,
            models.MeetingSchedule,
            models.Meeting,
            models.MeetingAttendee,
            models.MeetingDecision,
            models.ActionItem,
            models.MeetingAttachment,
            models.Obligation,
            models.ObligationPeriod,
            models.ObligationEvidence,
        ):
            audit_register(model)

        from core import files

        files.register("governance.CooperationAgreement", "document")
        files.register("governance.MeetingAttachment", "file", owner="meeting")
        files.register("governance.ObligationEvidence", "file", owner="period")

        register_role_resolver(resolvers.resolve_contact_role)
        register_deputy_resolver(resolvers.deputy_of)
        obligations.register_builtin_rules()

        grant(Role.COMPLIANCE_OFFICER, "governance.*")
        grant(
            Role.INCIDENT_HANDLER,
            "governance.view_counterparty",
            "governance.view_counterpartycontact",
            "governance.view_cooperationagreement",
            "governance.view_contactroleassignment",
        )

        officers = frozenset({Role.COMPLIANCE_OFFICER, Role.AUDITOR, Role.ADMINISTRATOR})
        writers = frozenset(
            {Role.COMPLIANCE_OFFICER, Role.INCIDENT_HANDLER, Role.STAFF, Role.ADMINISTRATOR}
        )
        for item in (
            NavItem("compliance", _("Compliance dashboard"), "governance:dashboard", officers, 10),
            NavItem(
                "compliance",
                _("Cooperation agreements"),
                "governance:agreement-list",
                officers | {Role.INCIDENT_HANDLER},
                20,
            ),
            NavItem(
                "compliance",
                _("Sharing registrations"),
                "governance:registration-list",
                writers | {Role.AUDITOR},
                30,
            ),
            NavItem("compliance", _("Meetings"), "governance:meeting-list", officers, 40),
            NavItem("my", _("Contact directory"), "governance:directory", frozenset(), 60),
            NavItem("audit", _("Sharing log"), "governance:sharing-log", officers, 20),
        ):
            register(item)
