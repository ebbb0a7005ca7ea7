"""What the pages ask the policy before a view runs (the services ask again, per action)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.views.decorators.http import require_POST

from .roles import is_writer
from .visibility import can_write, sees_everything


def writer_action(view):
    """A page action: POST only to its own URL (a GET answers 405), by a signed-in user whose
    role may write at all (an auditor is refused with 403 before the view reads anything); the
    view runs its service through core.pages, and the service asks its own rule."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not can_write(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(require_POST(wrapped))


def firm_wide_page(view=None, *, post_by_writers: bool = False):
    """A page for the firm-wide roles (compliance officers, auditors, administrators): anyone
    else signed in is refused with 403. With `post_by_writers`, a POST also needs a role that
    writes (the auditor reads the page and changes nothing)."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not sees_everything(request.user):
                raise PermissionDenied
            if post_by_writers and request.method == "POST" and not is_writer(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorate(view) if view is not None else decorate
