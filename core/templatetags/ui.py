"""The design system's shared components (docs/design.md), used in templates as
``{% load ui %}``: block tags for a card, a page header and a table wrapper; inclusion tags for
badges (status, grade, clock), an empty state, a deadline countdown and a chart."""

from datetime import datetime, timedelta

from django import template
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

register = template.Library()

# A state code's colour (Bootstrap's text-bg-*); codes not listed are grey. Codes are the
# TextChoices values of the apps' models (strings only: core imports none of them).
STATUS_TONES = {
    # open, needs someone
    "new": "info",
    "open": "info",
    "pending": "warning",
    "due": "warning",
    "draft": "secondary",
    "handling": "warning",
    "in_progress": "warning",
    "awaiting_approval": "warning",
    "in_review": "warning",
    "feedback_sent": "success",
    "incident": "primary",
    "submitted": "primary",
    "graded": "primary",
    "scheduled": "primary",
    "active": "success",
    "approved": "success",
    "met": "success",
    "done": "success",
    "completed": "success",
    "resolved": "success",
    "summarised": "success",
    "sent": "success",
    "acknowledged": "success",
    "closed": "secondary",
    "expiring": "warning",
    "expired": "secondary",
    "cancelled": "secondary",
    "waived": "secondary",
    "superseded": "secondary",
    "overdue": "danger",
    "late": "danger",
    "missed": "danger",
    "failed": "danger",
    "rejected": "danger",
    "terminated": "danger",
}
# National four levels, most severe first (incidents.models.common.Grade values).
GRADE_TONES = {"I": "danger", "II": "warning", "III": "info", "IV": "secondary"}
TONES = {"primary", "secondary", "success", "danger", "warning", "info", "light", "dark"}


class _WrapNode(template.Node):
    def __init__(self, template_name, nodelist, kwargs):
        self.template_name, self.nodelist, self.kwargs = template_name, nodelist, kwargs

    def render(self, context):
        values = {k: v.resolve(context) for k, v in self.kwargs.items()}
        values["body"] = self.nodelist.render(context)
        return render_to_string(self.template_name, values)


def _wrap_tag(name, template_name):
    def compile_tag(parser, token):
        bits = token.split_contents()[1:]
        kwargs = template.base.token_kwargs(bits, parser)
        if bits:
            raise template.TemplateSyntaxError(f"{name} takes keyword arguments only")
        nodelist = parser.parse((f"end{name}",))
        parser.delete_first_token()
        return _WrapNode(template_name, nodelist, kwargs)

    register.tag(name, compile_tag)


# {% card title=_("…") icon="clock" %}…{% endcard %}
_wrap_tag("card", "core/components/card.html")
# {% page_header title=_("…") subtitle=… %}<a class="btn …">…</a>{% endpage_header %}
_wrap_tag("page_header", "core/components/page_header.html")
# {% table_card title=_("…") %}<table class="table">…</table>{% endtable_card %}
_wrap_tag("table_card", "core/components/table_card.html")


@register.inclusion_tag("core/components/badge.html")
def badge(label, tone="secondary", icon=""):
    return {"label": label, "tone": tone if tone in TONES else "secondary", "icon": icon}


@register.inclusion_tag("core/components/badge.html")
def status_badge(code, label=None):
    """``{% status_badge obj.status obj.get_status_display %}``"""
    code = str(code or "")
    return {
        "label": label if label is not None else code,
        "tone": STATUS_TONES.get(code, "secondary"),
    }


@register.inclusion_tag("core/components/badge.html")
def grade_badge(grade, label=None):
    """``{% grade_badge incident.grade incident.get_grade_display %}``; no grade reads 未定级."""
    if not grade:
        return {"label": _("Not graded"), "tone": "light", "icon": "question-circle"}
    grade = str(grade)
    return {"label": label or grade, "tone": GRADE_TONES.get(grade, "secondary"), "icon": "flag"}


def _span(seconds: int) -> str:
    minutes = max(seconds // 60, 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(d)d d %(h)d h") % {"d": days, "h": hours}
    if hours:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": mins}
    return _("%(m)d min") % {"m": mins}


def countdown_state(due: datetime, now: datetime | None = None) -> tuple[str, str]:
    """(text, tone) for a deadline seen at `now`: overdue is red, within an hour red, within
    four hours amber, later blue."""
    now = now or timezone.now()
    left = due - now
    seconds = int(left.total_seconds())
    if seconds < 0:
        return _("%(time)s overdue") % {"time": _span(-seconds)}, "danger"
    text = _("%(time)s left") % {"time": _span(seconds)}
    if left <= timedelta(hours=1):
        return text, "danger"
    if left <= timedelta(hours=4):
        return text, "warning"
    return text, "primary"


@register.inclusion_tag("core/components/countdown.html")
def countdown(due, done=False, label=""):
    """``{% countdown report.due_at %}``: the time left (or overdue) as a badge, updated every
    30 s by static/js/app.js from its ``data-due``; ``done=True`` shows a green tick instead."""
    if not due:
        return {"due": None}
    if done:
        return {"due": due, "done": True, "label": label}
    text, tone = countdown_state(due)
    formats = {
        "left": _("%(time)s left"),
        "over": _("%(time)s overdue"),
        "d": _("%(d)d d %(h)d h"),
        "h": _("%(h)d h %(m)d min"),
        "m": _("%(m)d min"),
    }
    return {"due": due, "text": text, "tone": tone, "label": label, "formats": formats}


@register.inclusion_tag("core/components/empty_state.html")
def empty_state(text, action_url="", action_label="", icon="inbox", title=""):
    """``{% empty_state _("No incidents yet.") action_url=… action_label=_("Record one") %}``"""
    return {
        "text": text,
        "title": title,
        "action_url": action_url,
        "action_label": action_label,
        "icon": icon,
    }


@register.inclusion_tag("core/components/chart.html")
def chart(options, chart_id, label="", height=280):
    """``{% chart chart_options "obligations-chart" label=_("…") %}``: an ECharts chart from an
    options dict (JSON-safe), drawn by static/js/app.js (no inline script)."""
    return {"options": options, "chart_id": chart_id, "label": label, "height": height}
