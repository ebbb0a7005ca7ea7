from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    name = "deadlines"
    verbose_name = _("Deadlines")

    def ready(self):
        from core import metrics as ops

        from . import ops_metrics

        ops.register("deadline-sweep", ops_metrics.sweep)
        from accounts.policy import FIRM_WIDE
        from audit.registry import register_app
        from core.navigation import NavItem, register
        from notifications import ics

        from . import demo, feed  # noqa: F401  (demo: registers the demo seeder)

        ics.register_source(feed.deadline_events)

        register_app(
            self,
            options={"Deadline": {"exclude_fields": ["fired_until", "next_fire_at", "updated_at"]}},
        )
        from audit.registry import read_json_as

        from . import wording
        from .models import CHANNEL_CHOICES

        read_json_as("deadlines.ReminderStep", "recipients", wording.recipients)
        read_json_as("deadlines.ReminderStep", "channels", dict(CHANNEL_CHOICES))
        register(NavItem("my", _("Due and overdue"), "deadlines:mine", frozenset(), 20))
        register(
            NavItem(
                "compliance",
                _("Deadlines across the firm"),
                "deadlines:firm",
                FIRM_WIDE,
                20,
            )
        )
