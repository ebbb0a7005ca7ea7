from celery import shared_task
from django.utils import timezone

from .models import Heartbeat


@shared_task(name="core.heartbeat", ignore_result=True)
def heartbeat():
    """Scheduled by beat every minute and run by a worker: proves both are alive."""
    now = timezone.now()
    Heartbeat.objects.update_or_create(name="worker", defaults={"seen_at": now})
