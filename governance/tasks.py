from celery import shared_task

from audit.context import Channel, channel


@shared_task(name="governance.generate_meeting_occurrences", ignore_result=True)
def generate_meeting_occurrences():
    """Daily (beat): occurrences of every meeting schedule, ahead of time."""
    from .services import meeting_occurrences_generate

    with channel(Channel.TASK):
        return meeting_occurrences_generate()


@shared_task(name="governance.evaluate_obligations", ignore_result=True)
def evaluate_obligations():
    """Daily (beat): periods met / due / missed; the compliance head hears of a missed one."""
    from .services import obligations_evaluate

    with channel(Channel.TASK):
        return obligations_evaluate()
