"""The page kit: how every app's views run a service and show what came of it.

A page action is one view behind its own URL (POST only); it calls `submit` for a posted form
(validate, then run the service with the form's cleaned data), `run` for a service without a form
(or `attempt` for a few steps that must succeed together). Each turns the service's
ApplicationError into a message on the page, or into the form's error when the page shows the
form again, and shows `success` when it worked. Permission checks stay in the policy, asked by
the services (and by accounts.policy.pages for writers' actions): this kit decides nothing.
"""

from collections.abc import Mapping
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


def submit(
    request,
    form,
    service,
    *,
    success=None,
    invalid=None,
    redisplay: bool = False,
    rename: Mapping[str, str] | None = None,
    **kwargs,
) -> Outcome:
    """Validate the posted `form`, then call `service(actor=request.user, **kwargs, **data)` as
    `run` does, `data` being the form's cleaned data (a field named otherwise than the service's
    keyword is renamed by `rename`, {field: keyword}; anything computed is the caller's: a small
    adapter passed as `service`).

    An invalid form calls nothing and gives `Outcome(None, False)`: its errors become one error
    message (`invalid`, when given, instead), shown after the redirect. With `redisplay=True`
    the page shows the form again: an invalid form shows its own errors and the service's error
    becomes the form's."""
    if not form.is_valid():
        if not redisplay:
            messages.error(request, invalid or form_errors(form))
        return Outcome(None, False)
    names = rename or {}
    data = {names.get(field, field): value for field, value in form.cleaned_data.items()}
    return run(
        request, service, success=success, form=form if redisplay else None, **kwargs, **data
    )


def form_errors(form) -> str:
    """A bound form's error messages as one line (a message shown after the redirect)."""
    return " ".join(str(e) for errs in form.errors.values() for e in errs)
