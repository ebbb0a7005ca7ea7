from celery import shared_task

from audit.context import Channel, channel


@shared_task(name="integrations.sweep", ignore_result=True)
def sweep():
    """Every few minutes: prune old alert receipts, queue "agreement expiring" events (once per
    agreement and end date) and disable webhook subscriptions that keep failing for good."""
    from . import services, webhooks

    with channel(Channel.TASK):
        services.receipts_prune()
        webhooks.agreements_expiring_publish()
        services.subscriptions_check()
