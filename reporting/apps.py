from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Regulatory reporting")

    def ready(self):
        from accounts.roles import Role, grant
        from core.navigation import NavItem, register

        from . import audit_trail, demo, receivers  # noqa: F401  (audit trail, demo, signals)

        receivers.connect_drills()
        from deadlines.retiming import register_retimer

        register_retimer(receivers.retime_on_calendar)

        grant(Role.COMPLIANCE_OFFICER, "reporting.*")
        grant(
            Role.INCIDENT_HANDLER,
            "reporting.view_*",
            "reporting.add_regulatoryreport",
            "reporting.change_regulatoryreport",
            "reporting.add_reportsubmission",
            "reporting.add_riskintelligence",
            "reporting.change_riskintelligence",
            "reporting.change_regulatornotice",
        )
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
