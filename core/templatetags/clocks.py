"""`{% clock due_at %}`: a deadline as a countdown badge (time left, or how late), coloured by
how near it is. Rendered on the server in the reader's time zone; the badge's title gives the
due time itself."""

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


def span(seconds: float) -> str:
    """A duration as people say it on a deadline: "2d 3h", "3h 20m", "20m"."""
    minutes = max(0, int(seconds // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(d)dd %(h)dh") % {"d": days, "h": hours}
    if hours:
        return _("%(h)dh %(m)dm") % {"h": hours, "m": mins}
    return _("%(m)dm") % {"m": mins}


def tone(due_at: datetime, now: datetime) -> str:
    left = (due_at - now).total_seconds()
    if left < 0:
        return "danger"
    if left < 4 * 3600:
        return "warning"
    if left < 24 * 3600:
        return "info"
    return "secondary"


@register.simple_tag
def clock(due_at, now=None, done=False):
    if not due_at:
        return format_html('<span class="badge text-bg-light">{}</span>', _("no deadline"))
    now = now or timezone.now()
    due_text = timezone.localtime(due_at).strftime("%Y-%m-%d %H:%M")
    if done:
        return format_html(
            '<span class="badge text-bg-success" title="{}">{}</span>', due_text, _("met")
        )
    left = (due_at - now).total_seconds()
    if left < 0:
        text = _("overdue %(span)s") % {"span": span(-left)}
    else:
        text = _("%(span)s left") % {"span": span(left)}
    return format_html(
        '<span class="badge text-bg-{} clock" title="{}" data-due="{}">{}</span>',
        tone(due_at, now),
        due_text,
        due_at.isoformat(),
        text,
    )
