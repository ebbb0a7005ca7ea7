from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit trail")

    def ready(self):
        from core import metrics as ops

        from . import ops_metrics

        ops.register("audit-chain", ops_metrics.chain)
        from django.apps import apps

        from accounts.policy import FIRM_WIDE
        from core import backup, navigation

        from . import receivers, selectors
        from .registry import register_app

        receivers.enter_command_channel_if_cli()
        backup.register_audit_summary(selectors.chain_summary)

        register_app(self, skip={"AuditEntry": "the trail itself (append-only, hash-chained)"})
        # Core imports nothing above it, so its one model is declared here.
        register_app(
            apps.get_app_config("core"),
            skip={"Heartbeat": "a liveness probe overwritten every minute, no one's decision"},
        )

        navigation.register(
            navigation.NavItem(
                "audit",
                _("Audit log"),
                "audit:log",
                FIRM_WIDE,
                10,
            )
        )
        self._register_home()

    def _register_home(self):
        from django.utils import timezone

        from accounts.roles import Role
        from core import home

        from . import selectors

        auditors = frozenset({Role.AUDITOR})
        for panel in (
            home.Panel(
                key="audit.recent",
                title=_("Recent audit activity"),
                template="audit/home/recent.html",
                context=lambda _user: {"entries": selectors.recent_entries()},
                roles=auditors,
                order=40,
            ),
            home.Panel(
                key="audit.chain",
                title=_("Chain status"),
                template="audit/home/chain.html",
                context=lambda _user: {"chain": selectors.chain_tail_status()},
                roles=auditors,
                order=41,
            ),
            home.Panel(
                key="audit.exports",
                title=_("Exports"),
                template="audit/home/exports.html",
                context=lambda _user: {"month_start": timezone.localdate().replace(day=1)},
                roles=auditors,
                order=42,
            ),
        ):
            home.register(panel)
