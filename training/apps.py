from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training")

    def ready(self):
        from accounts.policy import FIRM_WIDE, HANDLERS
        from core.navigation import NavItem, register

        from . import auditing, demo, obligations  # noqa: F401  (audit, demo, evidence rules)

        register(NavItem("my", _("My trainings"), "training:my", frozenset(), 20))
        officers = FIRM_WIDE
        register(NavItem("compliance", _("Training plans"), "training:plans", officers, 50))
        register(
            NavItem(
                "compliance",
                _("Emergency drills"),
                "training:drills",
                FIRM_WIDE | HANDLERS,
                55,
            )
        )
