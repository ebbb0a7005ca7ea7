from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training")

    def ready(self):
        from accounts.policy import FIRM_WIDE, HANDLERS
        from audit.registry import register_app
        from core.navigation import NavItem, register

        from . import demo, demo_awareness, obligations, tasks  # noqa: F401  (demo, evidence rules, tasks)

        register_app(self)
        from audit.registry import read_json_as

        from .models import Topic

        read_json_as("training.Course", "topics", dict(Topic.choices))
        from security import files

        files.register("training.AwarenessCampaign", "material_file")

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
        register(NavItem("my", _("Awareness campaigns"), "training:campaigns", frozenset(), 21))
        self._register_home()

    def _register_home(self):
        from accounts.roles import Role
        from core import home

        from . import selectors

        home.register(
            home.Panel(
                key="training.my_trainings",
                title=_("My trainings"),
                template="training/home/my_trainings.html",
                context=lambda user: selectors.my_assignments(user=user),
                roles=frozenset({Role.STAFF}),
                order=11,
            )
        )
