from celery import shared_task

from audit.context import Channel, channel


@shared_task(name="notifications.deliver", ignore_result=True, acks_late=True)
def deliver(ids):
    """Deliver a batch of outbox rows (ids); rows already taken or sent are skipped."""
    from .delivery import deliver_batch

    with channel(Channel.TASK):
        deliver_batch(ids)
