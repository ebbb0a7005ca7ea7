"""The words of a reminder, rendered in each recipient's language."""

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .calendar import SHANGHAI


def _when(value) -> str:
    return timezone.localtime(value, SHANGHAI).strftime("%Y-%m-%d %H:%M")


def subject_for(deadline, offset_seconds: int):
    def render(language: str) -> str:
        with translation.override(language):
            values = {"title": deadline.title, "due": _when(deadline.due_at)}
            if offset_seconds < 0:
                return _("Reminder: %(title)s is due %(due)s") % values
            if offset_seconds == 0:
                return _("Due now: %(title)s (%(due)s)") % values
            return _("Overdue: %(title)s was due %(due)s") % values

    return render


def body_for(deadline):
    def render(language: str) -> str:
        with translation.override(language):
            lines = [
                _("Deadline: %(title)s") % {"title": deadline.title},
                _("Kind: %(kind)s") % {"kind": deadline.kind.label},
                _("Due: %(due)s (Beijing time)") % {"due": _when(deadline.due_at)},
                _("State: %(state)s") % {"state": deadline.get_state_display()},
            ]
            if not deadline.calendar_confirmed:
                lines.append(
                    _("The working-day calendar for this period is not confirmed: check the date.")
                )
            return "\n".join(lines)

    return render
