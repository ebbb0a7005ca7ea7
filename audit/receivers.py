"""Channel for work that has no request: Celery tasks and management commands."""

import os
import sys
from contextvars import Token

from celery import signals as celery_signals

from .context import Channel, _channel

# task id -> context token, so task_postrun restores what task_prerun replaced.
_task_tokens: dict[str, Token[str]] = {}


@celery_signals.task_prerun.connect(dispatch_uid="audit.task_prerun", weak=False)
def enter_task_channel(task_id=None, **kwargs):
    _task_tokens[task_id] = _channel.set(Channel.TASK)


@celery_signals.task_postrun.connect(dispatch_uid="audit.task_postrun", weak=False)
def leave_task_channel(task_id=None, **kwargs):
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        try:
            _channel.reset(token)
        except ValueError:
            # A worker pool may run postrun in another context; the next prerun sets it again.
            pass


# Long-running servers handle each request in its own context (the middleware sets the
# channel), so only one-shot commands such as seed_demo or shell run as "command".
_SERVER_COMMANDS = {"runserver", "celery", "test"}


def enter_command_channel_if_cli() -> None:
    program = os.path.basename(sys.argv[0]) if sys.argv else ""
    if program in {"manage.py", "django-admin"} and len(sys.argv) > 1:
        if sys.argv[1] not in _SERVER_COMMANDS:
            _channel.set(Channel.COMMAND)
