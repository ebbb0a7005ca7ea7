"""The words of a reminder, rendered in each recipient's language.

The translated patterns are looked up once per language (and step direction) and filled in per
deadline: a sweep batch of thousands of reminders activates each language once, not per row.
"""

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .calendar import SHANGHAI


def _when(value) -> str:
    return timezone.localtime(value, SHANGHAI).strftime("%Y-%m-%d %H:%M")


def _patterns(language: str, state_display) -> dict:
    with translation.override(language):
        return {
            "remind": _("Reminder: %(title)s is due %(due)s"),
            "now": _("Due now: %(title)s (%(due)s)"),
            "overdue": _("Overdue: %(title)s was due %(due)s"),
            "title": _("Deadline: %(title)s"),
            "kind": _("Kind: %(kind)s"),
            "due": _("Due: %(due)s (Beijing time)"),
            "state": _("State: %(state)s") % {"state": str(state_display)},
            "late": _("State: past its due time when this message was delivered."),
            "unconfirmed": _(
                "The working-day calendar for this period is not confirmed: check the date."
            ),
        }


class MessageTexts:
    """Subjects and bodies with the patterns cached per (language, state); one per batch."""

    def __init__(self):
        self._cache: dict = {}
        self._when: dict = {}

    def _get(self, language: str, deadline) -> dict:
        key = (language, deadline.state)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = _patterns(language, deadline.get_state_display())
        return found

    def due(self, deadline) -> str:
        found = self._when.get(deadline.due_at)
        if found is None:
            found = self._when[deadline.due_at] = _when(deadline.due_at)
        return found

    def subject(self, deadline, offset_seconds: int, language: str) -> str:
        p = self._get(language, deadline)
        name = "remind" if offset_seconds < 0 else "now" if offset_seconds == 0 else "overdue"
        return p[name] % {"title": deadline.title, "due": self.due(deadline)}

    def body(self, deadline, language: str, *, late: bool = False) -> str:
        p = self._get(language, deadline)
        lines = [
            p["title"] % {"title": deadline.title},
            p["kind"] % {"kind": deadline.kind.label},
            p["due"] % {"due": self.due(deadline)},
            p["late"] if late else p["state"],
        ]
        if not deadline.calendar_confirmed:
            lines.append(p["unconfirmed"])
        return "\n".join(lines)

    def late_body(self, deadline, language: str) -> str:
        return self.body(deadline, language, late=True)


def subject_for(deadline, offset_seconds: int, texts: MessageTexts | None = None):
    texts = texts or MessageTexts()
    return lambda language: texts.subject(deadline, offset_seconds, language)


def late_subject_for(deadline, texts: MessageTexts | None = None):
    """The subject a reminder or "due now" message carries when delivered after its moment."""
    texts = texts or MessageTexts()
    return lambda language: texts.subject(deadline, 1, language)


def late_body_for(deadline, texts: MessageTexts | None = None):
    texts = texts or MessageTexts()
    return lambda language: texts.late_body(deadline, language)


def body_for(deadline, texts: MessageTexts | None = None):
    texts = texts or MessageTexts()
    return lambda language: texts.body(deadline, language)
