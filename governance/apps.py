from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = _("Governance")

    def ready(self):
        from core import search as search_registry
        from reporting.inspection import sharing as inspection_sharing

        from . import selectors_sharing

        # The inspection pack's data-sharing section reads the ledger.
        inspection_sharing.register_source(selectors_sharing.inspection_totals)

        from . import search

        for source in search.SOURCES:
            search_registry.register(source)
        from accounts.policy import ANY_ROLE, FIRM_WIDE, HANDLERS
        from audit.registry import register_app
        from core.navigation import NavItem, register
        from deadlines.resolvers import register_deputy_resolver, register_role_resolver

        from . import (
            demo,  # noqa: F401  (registers the demo seeder)
            demo_sharing,  # noqa: F401  (registers the catalogue, gate and ledger demo)
            obligations,
            resolvers,
            sharing_events,  # noqa: F401  (registers the gate's and the ledger's event kinds)
        )

        register_app(
            self,
            skip={
                "LedgerEvent": "the ledger is its own append-only hash chain (bulk intake)",
                "LedgerBatch": "intake receipts of the ledger; the events are the record",
                "LedgerUsageDaily": "sums derived from the ledger at intake",
            },
            options={"ExchangeSystem": {"exclude_fields": ["secret"]}},
        )
        from audit.registry import read_json_as

        from . import evaluation_selectors
        from .models.sharing_requests import Approver

        read_json_as("governance.SharingRequest", "required_approvers", dict(Approver.choices))
        read_json_as("governance.ApprovalRule", "approvers", dict(Approver.choices))
        read_json_as("governance.SharingEvaluation", "figures", evaluation_selectors.figures_lines)

        from security import files

        files.register("governance.CooperationAgreement", "document")
        files.register("governance.MeetingAttachment", "file", owner="meeting")
        files.register("governance.ObligationEvidence", "file", owner="period")
        for field in ("liability_agreement", "disposal_certificate"):
            files.register("governance.SharingMedium", field)
        for field in ("report_pdf", "report_docx"):
            files.register("governance.SharingEvaluation", field)

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
                _("Sharing requests"),
                "governance:sharing-request-list",
                ANY_ROLE,
                30,
            ),
            NavItem(
                "compliance", _("Regulatory data catalogue"), "governance:catalogue", ANY_ROLE, 32
            ),
            NavItem("compliance", _("Meetings"), "governance:meeting-list", officers, 40),
            NavItem(
                "compliance", _("Sharing media"), "governance:medium-list", FIRM_WIDE | HANDLERS, 45
            ),
            NavItem(
                "compliance",
                _("Sharing evaluations"),
                "governance:evaluation-list",
                FIRM_WIDE | HANDLERS,
                46,
            ),
            NavItem("my", _("Contact directory"), "governance:directory", frozenset(), 60),
            NavItem("audit", _("Sharing log"), "governance:sharing-log", officers, 20),
            NavItem(
                "audit", _("Ledger of transfers"), "governance:ledger", FIRM_WIDE | HANDLERS, 21
            ),
        ):
            register(item)
        self._register_home()

    def _register_home(self):
        from accounts.roles import Role
        from core import home

        from . import selectors
        from .models import today_local

        officers = frozenset({Role.COMPLIANCE_OFFICER, Role.ADMINISTRATOR})
        home.register(
            home.Panel(
                key="governance.obligations",
                title=_("Obligations this quarter"),
                template="governance/home/obligations.html",
                context=lambda _user: selectors.obligations_this_quarter(),
                roles=officers,
                order=20,
            )
        )
        home.register(
            home.Panel(
                key="governance.expiring",
                title=_("Agreements expiring"),
                template="governance/home/expiring.html",
                context=lambda user: {
                    "agreements": selectors.agreements_expiring(user=user),
                    "today": today_local(),
                },
                roles=officers,
                order=21,
            )
        )
