"""Cleaning query parameters (filters) before they reach a query: a malformed value is a 400
with a message naming the parameter, never a database error."""

from django.utils.translation import gettext_lazy as _

from .errors import ApplicationError


class InvalidParameter(ApplicationError):
    """A query parameter that cannot mean anything (the API and pages answer 400)."""


def whole_number(params, name: str) -> int | None:
    """The parameter as a positive whole number (an id), None when absent or blank."""
    value = params.get(name)
    if value is None or str(value).strip() == "":
        return None
    value = str(value).strip()
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        raise InvalidParameter(
            _("The parameter “%(name)s” must be a whole number.") % {"name": name}
        )
    return int(value)
