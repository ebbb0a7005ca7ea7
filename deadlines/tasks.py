import os

from celery import shared_task
from django.conf import settings

from audit.context import Channel, channel


def _loop_seconds() -> float:
    if "DEADLINES_SWEEP_LOOP_SECONDS" in os.environ:
        return float(os.environ["DEADLINES_SWEEP_LOOP_SECONDS"])
    # Beat sends the task every 60 s: sweeping for 59 s leaves a gap of about a second between
    # one task's last pass and the next task's first, so a step waits at most ~2 s to be
    # handled. A late task that overlaps the previous one is harmless (SKIP LOCKED).
    return float(getattr(settings, "DEADLINES_SWEEP_LOOP_SECONDS", 59))


@shared_task(name="deadlines.sweep", ignore_result=True)
def sweep():
    """Scheduled by beat every minute; keeps sweeping (every second) for most of the minute."""
    from .sweeper import sweep_for

    with channel(Channel.TASK):
        sweep_for(seconds=_loop_seconds(), poll=1.0)
