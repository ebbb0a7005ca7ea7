from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Regulatory reporting")

    def ready(self):
        from core import search as search_registry

        from . import search

        for source in search.SOURCES:
            search_registry.register(source)
        from accounts.roles import Role
        from audit.registry import register_app
        from core.navigation import NavItem, register
        from security import files

        from . import demo, receivers  # noqa: F401  (demo seeder, signal receivers)

        register_app(self)
        from audit.registry import read_json_as, show_as_code

        from . import content

        read_json_as("reporting.RegulatoryReport", "content", content.FIELD_LABELS)
        read_json_as("reporting.ReportVersion", "snapshot", content.snapshot_lines)
        for model, field in (
            ("reporting.ReportVersion", "template_body"),
            ("reporting.ReportVersion", "template_title"),
            ("reporting.ReportTemplate", "title"),
            ("reporting.ReportTemplate", "body"),
            ("reporting.DossierTemplate", "body"),
        ):
            show_as_code(model, field)  # a document template's source

        files.register("reporting.RegulatorNotice", "attachment")
        files.register("reporting.ReportSubmission", "receipt_file")

        receivers.connect_drills()
        from deadlines.retiming import register_retimer

        register_retimer(receivers.retime_on_calendar)
        officers = frozenset({Role.COMPLIANCE_OFFICER, Role.ADMINISTRATOR, Role.AUDITOR})
        handlers = officers | {Role.INCIDENT_HANDLER}
        register(
            NavItem("incidents", _("Regulatory reports"), "reporting:report-list", handlers, 30)
        )
        register(NavItem("incidents", _("Risk intelligence"), "reporting:intel-list", handlers, 40))
        register(
            NavItem("compliance", _("Regulator notices"), "reporting:notice-list", handlers, 30)
        )
        register(NavItem("compliance", _("Reporting rules"), "reporting:rule-list", handlers, 31))
        register(NavItem("compliance", _("Reporting metrics"), "reporting:metrics", officers, 32))
        # Who may import (policy rule incidents.history.import): officers and administrators.
        importers = frozenset({Role.COMPLIANCE_OFFICER, Role.ADMINISTRATOR})
        register(NavItem("compliance", _("Import past cases"), "reporting:import", importers, 33))
        register(NavItem("audit", _("Inspection pack"), "reporting:inspection-pack", officers, 30))
        self._register_home()

    def _register_home(self):
        from accounts.roles import Role
        from core import home
        from incidents import clocks

        from . import selectors

        clocks.register_source(selectors.case_report_clocks)
        officers = frozenset({Role.COMPLIANCE_OFFICER, Role.ADMINISTRATOR})
        home.register(
            home.Panel(
                key="reporting.due_soon",
                title=_("Reports due in the next 24 hours or overdue"),
                template="reporting/home/due_soon.html",
                context=lambda user: {"reports": selectors.reports_due_soon(user=user)},
                roles=officers,
                order=10,
            )
        )
        home.register(
            home.Panel(
                key="reporting.approvals",
                title=_("Approvals waiting for me"),
                template="reporting/home/approvals.html",
                context=lambda user: {"reports": selectors.approvals_waiting_for(user=user)},
                roles=officers,
                order=11,
            )
        )
