"""Input no handler can use is answered here, once for every page and endpoint."""

from django.http import JsonResponse
from django.shortcuts import render

from .errors import ApplicationError
from .inputs import NUL_MESSAGE

FORM_ENCODED = "application/x-www-form-urlencoded"


def _has_nul(querydict) -> bool:
    return any(
        "\x00" in key or any("\x00" in v for v in values) for key, values in querydict.lists()
    )


def _answer(request, message, status):
    if request.path.startswith("/api/") or "json" in request.headers.get("Accept", ""):
        return JsonResponse(
            {"detail": str(message)}, status=status, json_dumps_params={"ensure_ascii": False}
        )
    return render(request, "core/refused.html", {"message": message}, status=status)


class InputGuardMiddleware:
    """A NUL character in a query parameter or a form field (PostgreSQL stores none; no one
    types one) is a 400. An ApplicationError that escapes a page view (a malformed filter, a
    refusal by the policy) is its status (400, 403) with its message, not a 500; the API's own
    exception handler (core.api) does the same for endpoints."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        nul = _has_nul(request.GET)
        if not nul and request.method == "POST" and request.content_type == FORM_ENCODED:
            nul = _has_nul(request.POST)
        if nul:
            return _answer(request, NUL_MESSAGE, 400)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, ApplicationError):
            return _answer(request, exception.message, exception.status_code)
        return None
