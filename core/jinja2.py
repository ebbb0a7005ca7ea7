"""The Jinja2 environment for the hot pages rendered with Jinja2 (docs/performance.md says why).

Django templates render everything else; Jinja2 compiles a template to Python once, so a page
with hundreds of labels and rows renders several times faster. The helpers below keep the
Django behaviour those pages rely on: translations from the same catalogues (`_()` is extracted
by makemessages), dates in the current time zone, Django's filters and URL reversing."""

from django.template import defaultfilters
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.timezone import template_localtime
from django.utils.translation import get_language, gettext, ngettext
from jinja2 import Environment
from markupsafe import Markup

_urls: dict = {}


def url(name: str, *args) -> str:
    """`reverse`, remembered: a page links the same few views for many rows."""
    key = (name, args, get_script_prefix(), get_urlconf())
    found = _urls.get(key)
    if found is None:
        if len(_urls) > 10_000:
            _urls.clear()
        found = _urls[key] = reverse(name, args=args)
    return found


def dt(value) -> str:
    """Django's `date:"Y-m-d H:i"`: aware times in the current time zone; None → ""."""
    if value in (None, ""):
        return ""
    return template_localtime(value).strftime("%Y-%m-%d %H:%M")


def linebreaksbr(value) -> Markup:
    return Markup(defaultfilters.linebreaksbr(value, autoescape=True))


def yesno(value, arg=None) -> str:
    return defaultfilters.yesno(value, arg)


_translated: dict = {}


def cached_gettext(message: str) -> str:
    """gettext, remembered per language (a page asks for the same labels on every render)."""
    key = (get_language(), message)
    text = _translated.get(key)
    if text is None:
        text = _translated[key] = gettext(message)
    return text


def environment(**options) -> Environment:
    env = Environment(extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_callables(cached_gettext, ngettext, newstyle=False)
    env.globals.update(url=url, static=static, get_language=get_language)
    env.filters.update(
        dt=dt,
        linebreaksbr=linebreaksbr,
        yesno=yesno,
        filesizeformat=defaultfilters.filesizeformat,
        truncatechars=defaultfilters.truncatechars,
    )
    return env
