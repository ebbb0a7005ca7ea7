"""The outbox's figures for /metrics (core.metrics): backlog by state, the oldest due message's
age, and deliveries failing by channel."""

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Count, Min
from prometheus_client.core import GaugeMetricFamily, Metric

from core.metrics import gauge

from .models import Channel, Outbox

BACKLOG_STATES = (
    Outbox.State.PENDING,
    Outbox.State.SENDING,
    Outbox.State.FAILED,
    Outbox.State.DEAD,
)
FAILING_STATES = (Outbox.State.FAILED, Outbox.State.DEAD)


def outbox(now: datetime) -> Iterable[Metric]:
    counts: dict[str, int] = {str(state): 0 for state in BACKLOG_STATES}
    failing: dict[tuple[str, str], int] = {
        (channel, str(state)): 0 for channel in Channel.values for state in FAILING_STATES
    }
    rows = (
        Outbox.objects.filter(state__in=BACKLOG_STATES)
        .values("state", "channel")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        counts[row["state"]] = counts.get(row["state"], 0) + row["n"]
        if row["state"] in FAILING_STATES:
            failing[(row["channel"], row["state"])] = row["n"]

    backlog = GaugeMetricFamily(
        "ir_outbox_backlog", "Outbox messages not yet sent, by state", labels=["state"]
    )
    for state, n in counts.items():
        backlog.add_metric([state], n)
    yield backlog

    failures = GaugeMetricFamily(
        "ir_outbox_delivery_failures",
        "Messages whose delivery failed: 'failed' will be retried, 'dead' gave up",
        labels=["channel", "state"],
    )
    for (channel, state), n in sorted(failing.items()):
        failures.add_metric([channel, state], n)
    yield failures

    oldest = Outbox.objects.filter(
        state__in=(Outbox.State.PENDING, Outbox.State.FAILED), scheduled_for__lte=now
    ).aggregate(at=Min("scheduled_for"))["at"]
    yield gauge(
        "ir_outbox_oldest_pending_age_seconds",
        "Age of the oldest message due and not yet sent (0: none waiting)",
        max((now - oldest).total_seconds(), 0.0) if oldest else 0.0,
    )
