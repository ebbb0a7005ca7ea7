"""Verifying and parsing a monitoring system's signed alert request.

Signature: hex HMAC-SHA256(secret, "<X-Timestamp>.<raw body>") in `X-Signature` (optionally
prefixed "sha256="), timestamp in Unix seconds (milliseconds accepted). Requests whose
timestamp is more than ALERT_MAX_AGE_SECONDS away from our clock are refused, and a signature
already accepted is refused as a replay.
"""

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from core.inputs import NUL_MESSAGE, TOO_DEEP_MESSAGE, contains_nul, implausible_datetime

ALERT_MAX_AGE_SECONDS = 300
MAX_BODY_BYTES = 256 * 1024


class AlertRejected(ApplicationError):
    """An intake request refused; `status` is the HTTP status to answer with."""

    def __init__(self, message, *, status: int = 400, code: str = "invalid"):
        super().__init__(message, extra={"code": code})
        self.status = status
        self.code = code


def compute_signature(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def parse_timestamp(value: str) -> datetime:
    value = (value or "").strip()
    if not value.isdigit() or len(value) > 16:
        raise AlertRejected(
            _("X-Timestamp must be a Unix time in seconds."), status=401, code="bad_timestamp"
        )
    number = int(value)
    if number > 10**11:  # milliseconds
        number //= 1000
    try:
        return datetime.fromtimestamp(number, tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise AlertRejected(
            _("X-Timestamp must be a Unix time in seconds."), status=401, code="bad_timestamp"
        )


def verify(*, secret: str, timestamp: str, signature: str, body: bytes, now=None) -> str:
    """Returns the normalised signature (lower-case hex) or raises AlertRejected."""
    now = now or timezone.now()
    if len(body) > MAX_BODY_BYTES:
        raise AlertRejected(_("The alert is too large."), status=413, code="too_large")
    sent_at = parse_timestamp(timestamp)
    given = (signature or "").strip().lower()
    if given.startswith("sha256="):
        given = given[len("sha256=") :]
    expected = compute_signature(secret, timestamp.strip(), body)
    if not given or not hmac.compare_digest(given.encode(), expected.encode()):
        raise AlertRejected(_("The signature does not match."), status=401, code="bad_signature")
    if abs(now - sent_at) > timedelta(seconds=ALERT_MAX_AGE_SECONDS):
        raise AlertRejected(
            _("The timestamp is more than five minutes away from our clock; sign a fresh request."),
            status=401,
            code="stale_timestamp",
        )
    return expected


def _text(data, key, *, required=False, max_length=None) -> str:
    value = data.get(key)
    if value is None or value == "":
        if required:
            raise AlertRejected(_("The field “%(field)s” is required.") % {"field": key})
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise AlertRejected(_("The field “%(field)s” must be text.") % {"field": key})
    value = str(value).strip()
    if required and not value:
        raise AlertRejected(_("The field “%(field)s” is required.") % {"field": key})
    if max_length and len(value) > max_length:
        raise AlertRejected(
            _("The field “%(field)s” is longer than %(max)d characters.")
            % {"field": key, "max": max_length}
        )
    return value


def _refuse_constant(name):
    raise ValueError(f"{name} is not JSON")  # NaN, Infinity: not JSON, not storable in jsonb


def parse_payload(body: bytes) -> dict:
    """The alert fields from the JSON body (the whole body is kept as received as well)."""
    from incidents.models import Incident

    from .models import Alert

    try:
        data = json.loads(body.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError):
        raise AlertRejected(_("The body must be a JSON object (UTF-8)."))
    except RecursionError:
        raise AlertRejected(str(TOO_DEEP_MESSAGE))
    if not isinstance(data, dict):
        raise AlertRejected(_("The body must be a JSON object (UTF-8)."))
    if contains_nul(data):  # PostgreSQL stores U+0000 in neither text nor jsonb
        raise AlertRejected(str(NUL_MESSAGE))
    fields: dict[str, Any] = {
        "external_id": _text(data, "id", required=True, max_length=200),
        "title": _text(data, "title", required=True, max_length=300),
        "description": _text(data, "description", max_length=20000),
        "severity": _text(data, "severity") or Alert.Severity.MEDIUM,
        "category": _text(data, "category"),
        "link": _text(data, "url", max_length=500),
        "payload": data,
    }
    if fields["severity"] not in Alert.Severity.values:
        raise AlertRejected(
            _("The severity must be one of: %(values)s.")
            % {"values": ", ".join(Alert.Severity.values)}
        )
    if fields["category"] and fields["category"] not in Incident.Category.values:
        raise AlertRejected(
            _("Unknown category “%(value)s”; leave it out or use an incident category code.")
            % {"value": fields["category"]}
        )
    if fields["link"]:
        try:
            URLValidator(schemes=["http", "https"])(fields["link"])
        except ValidationError:
            raise AlertRejected(_("The url must be an http(s) address."))
    occurred = _text(data, "occurred_at", max_length=40)
    fields["occurred_at"] = None
    if occurred:
        try:
            parsed = parse_datetime(occurred)
        except ValueError:
            parsed = None
        if parsed is None:
            raise AlertRejected(_("occurred_at must be an ISO 8601 date and time."))
        implausible = implausible_datetime(parsed)
        if implausible:
            raise AlertRejected(f"occurred_at: {implausible}")
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)  # the firm's time zone (Asia/Shanghai)
        fields["occurred_at"] = parsed
    return fields
