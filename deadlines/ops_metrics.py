"""The sweep's figures for /metrics (core.metrics): how far behind the deadline sweep is."""

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Count, Min
from prometheus_client.core import Metric

from core.metrics import gauge

from .models import Deadline

SWEPT_STATES = (Deadline.State.OPEN, Deadline.State.MISSED)


def sweep(now: datetime) -> Iterable[Metric]:
    due = Deadline.objects.filter(state__in=SWEPT_STATES, next_fire_at__lte=now).aggregate(
        oldest=Min("next_fire_at"), n=Count("id")
    )
    oldest = due["oldest"]
    yield gauge(
        "ir_deadline_sweep_lag_seconds",
        "How long the oldest reminder/escalation step due has waited for the sweep (0: none)",
        max((now - oldest).total_seconds(), 0.0) if oldest else 0.0,
    )
    yield gauge("ir_deadline_steps_due", "Deadlines with a step due and not yet handled", due["n"])
    missed = Deadline.objects.filter(state=Deadline.State.MISSED).count()
    yield gauge("ir_deadlines_missed", "Deadlines past their due time and unmet", missed)
