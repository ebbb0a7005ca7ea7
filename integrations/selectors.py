"""Reads."""

from .models import ApiToken


def tokens_for(*, user):
    """The user's own tokens (revoked ones too, newest first): firm-wide roles see only theirs
    here as well; the admin lists everybody's."""
    return ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at", "-id")


def alert_queue(*, user, state: str | None = "new", source=None):
    from .models import Alert

    qs = Alert.objects.visible_to(user).select_related("source", "incident", "handled_by")
    if state:
        qs = qs.filter(state=state)
    if source:
        qs = qs.filter(source__slug=source)
    return qs.order_by("-last_received_at", "-id")


def mergeable_incidents(*, user):
    """Open cases the user can see, newest first (targets for merging an alert)."""
    from incidents.models import Incident

    return Incident.objects.visible_to(user).open().order_by("-discovered_at", "-id")


def subscriptions(*, user):
    from .models import WebhookSubscription

    return WebhookSubscription.objects.visible_to(user).select_related("owner", "endpoint")


def deliveries(*, subscription, limit: int = 200):
    """The delivery log: the subscription's outbox rows, newest first."""
    return subscription.endpoint.outbox.order_by("-id")[:limit]


def period_exports(*, user):
    from .models import PeriodExport

    return PeriodExport.objects.visible_to(user).select_related("requested_by")
