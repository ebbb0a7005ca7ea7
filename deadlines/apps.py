from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    name = "deadlines"
    verbose_name = _("Deadlines")

    def ready(self):
        from accounts.roles import Role, grant
        from audit.registry import audit_register
        from core.navigation import NavItem, register

        from . import demo  # noqa: F401  (registers the demo seeder)
        from .models import Deadline, DeadlineKind, HolidayOverride, ReminderPolicy, ReminderStep

        audit_register(Deadline, exclude_fields=["fired_until", "next_fire_at", "updated_at"])
        audit_register(DeadlineKind)
        audit_register(ReminderPolicy)
        audit_register(ReminderStep)
        audit_register(HolidayOverride)
        from .models import CalendarYear

        audit_register(CalendarYear)
        grant(
            Role.COMPLIANCE_OFFICER,
            "deadlines.view_*",
            "deadlines.change_deadline",
            "deadlines.*_deadlinekind",
            "deadlines.*_reminderpolicy",
            "deadlines.*_reminderstep",
            "deadlines.*_holidayoverride",
            "deadlines.*_calendaryear",
        )
        register(NavItem("my", _("Due and overdue"), "deadlines:mine", frozenset(), 20))
        register(
            NavItem(
                "compliance",
                _("Deadlines across the firm"),
                "deadlines:firm",
                frozenset({Role.COMPLIANCE_OFFICER, Role.AUDITOR, Role.ADMINISTRATOR}),
                20,
            )
        )
