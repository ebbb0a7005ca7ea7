"""Rules for integrations: alert triage, API tokens, outbound webhooks, the period export.

Objects are read by attribute only; this module imports no domain app."""

from django.utils.translation import gettext_lazy as _

from .core import rule
from .roles import ADMINISTRATORS, FIRM_WIDE, HANDLERS, OFFICERS, has_any, is_writer


@rule("integrations.alert.triage", message=_("Only incident handlers and officers triage alerts."))
def _triage(user, obj=None) -> bool:
    return has_any(user, HANDLERS)


@rule(
    "integrations.token.write_scope",
    message=_("Your role only reads: your tokens are read-only."),
)
def _token_write_scope(user, obj=None) -> bool:
    """A read-write token is offered only to someone who may change things (not the auditor)."""
    return is_writer(user)


@rule(
    "integrations.token.revoke",
    message=_("You can revoke only your own tokens."),
    needs_object=True,
)
def _token_revoke(user, token) -> bool:
    return token.user_id == user.pk or has_any(user, ADMINISTRATORS)


@rule(
    "integrations.subscription.create",
    message=_("Only compliance officers manage webhook subscriptions."),
)
@rule(
    "integrations.subscription.change",
    message=_("Only compliance officers manage webhook subscriptions."),
)
@rule(
    "integrations.alert_source.change",
    message=_("Only compliance officers manage alert sources."),
)
def _officer(user, obj=None) -> bool:
    return has_any(user, OFFICERS)


@rule(
    "integrations.period.export",
    message=_("Only auditors, compliance officers and administrators export."),
)
def _export(user, obj=None) -> bool:
    return has_any(user, FIRM_WIDE)
