"""The page kit: how every app's views run a service and show what came of it.

A page action is one view behind its own URL (POST only); it calls `run` (or `attempt` for a few
steps that must succeed together), which turns the service's ApplicationError into a message on
the page, or into the form's error when the page shows the form again, and shows `success` when
it worked. Permission checks stay in the views and services: this kit decides nothing.
"""

from typing import Any, NamedTuple

from django.contrib import messages

from .errors import ApplicationError


class Outcome(NamedTuple):
    """What a service call gave: `result, ok = run(...)`, or `if run(...):`."""

    result: Any
    ok: bool

    def __bool__(self) -> bool:
        return self.ok


def attempt(request, call, *, success=None, form=None) -> Outcome:
    """Call `call()`. Its ApplicationError becomes `form`'s error when a form is given (the page
    shows the form again), otherwise an error message; `success` is the message when it worked."""
    try:
        result = call()
    except ApplicationError as exc:
        if form is not None:
            form.add_error(None, str(exc.message))
        else:
            messages.error(request, str(exc.message))
        return Outcome(None, False)
    if success:
        messages.success(request, success)
    return Outcome(result, True)


def run(request, service, *, success=None, form=None, **kwargs) -> Outcome:
    """Call `service(actor=request.user, **kwargs)` as `attempt` does."""
    return attempt(
        request, lambda: service(actor=request.user, **kwargs), success=success, form=form
    )


def form_errors(form) -> str:
    """A bound form's error messages as one line (a message shown after the redirect)."""
    return " ".join(str(e) for errs in form.errors.values() for e in errs)
