"""Event notifications: something was given to a person or waits for them ("assigned to you",
"waiting for your approval", "returned", "a concern arrived for your queue", "your deadline
moved"). The registry lists every kind in one place (apps register theirs in ready()), and
`notify_event` sends through the outbox: in-app always, e-mail when the recipient keeps it on
in their notification preferences. Links must open a page the recipient may see: a test walks
every kind and recipient role."""

from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .models import Channel
from .services import build_rows, make_key, outbox_insert


@dataclass(frozen=True)
class EventKind:
    code: str
    label: str
    # Who receives it, in words (shown on the preferences page).
    audience: str


_KINDS: dict[str, EventKind] = {}


def event_kind(code: str, label, audience) -> EventKind:
    """Register an event kind (idempotent: ready() may run more than once in tests)."""
    kind = EventKind(code, label, audience)
    _KINDS.setdefault(code, kind)
    return _KINDS[code]


def localized(pattern, **values):
    """A text rendered in each recipient's own language (the outbox calls it per language):
    `localized(_("Case %(ref)s is yours"), ref=...)`."""

    def render(language):
        with translation.override(language):
            return str(pattern) % values

    return render


def kinds() -> dict[str, EventKind]:
    return dict(_KINDS)


def notify_event(*, kind: str, recipients, subject, body="", url: str = "", key: str) -> list[int]:
    """Tell `recipients` about an event of `kind`. `key` identifies the occurrence (e.g.
    "incident-14-assignee-7"): each recipient hears of it once per channel however often this
    is called. Call inside the transaction of the change; rows go out after the commit."""
    if kind not in _KINDS:
        raise KeyError(f"unregistered event kind {kind!r}")
    people = {u.pk: u for u in recipients if u is not None and getattr(u, "is_active", False)}
    if not people:
        return []
    now = timezone.now()
    prefix = make_key("e", kind, key)
    users = list(people.values())
    rows = build_rows(
        key_prefix=prefix,
        recipients=users,
        channels=[Channel.INAPP],
        subject=subject,
        body=body,
        url=url,
        scheduled_for=now,
        endpoints=[],
        now=now,
    )
    by_mail = [u for u in users if getattr(u, "event_email", True) and u.email]
    rows += build_rows(
        key_prefix=prefix,
        recipients=by_mail,
        channels=[Channel.EMAIL],
        subject=subject,
        body=body,
        url=url,
        scheduled_for=now,
        endpoints=[],
        now=now,
    )
    return outbox_insert(rows)


DEADLINE_TRANSFERRED = event_kind(
    "deadline.transferred",
    _("A deadline was handed to you, or taken from you"),
    _("the deadline's new and previous owner"),
)
