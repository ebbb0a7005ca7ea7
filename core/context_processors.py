from django.template.loader import render_to_string
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

from . import navigation as nav

# Every page shows the navigation: its links are reversed once per set of roles, not per request
# (labels stay lazy, so one entry serves every language).
_sections_cache: dict = {}


def _sections(roles: frozenset) -> list:
    key = (roles, get_script_prefix(), get_urlconf(), nav.version())
    cached = _sections_cache.get(key)
    if cached is None:
        sections: dict[str, list] = {}
        for item in nav.items_for(set(roles)):
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            sections.setdefault(item.section, []).append(
                {"label": item.label, "url": url, "icon": nav.icon_for(item.url_name)}
            )
        cached = sorted(sections.items(), key=lambda kv: nav.SECTIONS.get(kv[0], 99))
        if len(_sections_cache) > 256:
            _sections_cache.clear()
        _sections_cache[key] = cached
    return cached


_html_cache: dict = {}


class MainNavigation:
    """The header's navigation as HTML, rendered once per set of roles and language (it
    depends on nothing else) and only when a template shows it."""

    def __init__(self, roles: frozenset, can_use_admin: bool):
        self.roles, self.can_use_admin = roles, can_use_admin

    def __str__(self):
        key: tuple[object, ...] = (self.roles, self.can_use_admin, get_language())
        key += (get_script_prefix(), get_urlconf(), nav.version())
        html = _html_cache.get(key)
        if html is None:
            html = render_to_string(
                "core/_nav.html",
                {"nav_sections": _sections(self.roles), "can_use_admin": self.can_use_admin},
            )
            if len(_html_cache) > 256:
                _html_cache.clear()
            _html_cache[key] = html
        return html

    def __html__(self):
        return str(self)


class LanguageSelect:
    """The header's language menu, rendered once per current language."""

    def __str__(self):
        key = ("language-select", get_language())
        html = _html_cache.get(key)
        if html is None:
            html = _html_cache[key] = render_to_string("core/_language_select.html")
        return html

    def __html__(self):
        return str(self)


def language_select(request):
    return {"language_select": LanguageSelect()}


def navigation(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    roles = nav.roles_of(user)
    can_use_admin = nav.may_use_admin(user, roles)
    return {
        "nav_sections": _sections(frozenset(roles)),
        "main_nav": MainNavigation(frozenset(roles), can_use_admin),
        "user_roles": roles,
        "can_use_admin": can_use_admin,
    }
