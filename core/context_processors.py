from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

from accounts.roles import ADMIN_SITE_ROLES, user_roles

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
            sections.setdefault(item.section, []).append({"label": item.label, "url": url})
        cached = sorted(sections.items(), key=lambda kv: nav.SECTIONS.get(kv[0], 99))
        if len(_sections_cache) > 256:
            _sections_cache.clear()
        _sections_cache[key] = cached
    return cached


def navigation(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    roles = user_roles(user)
    return {
        "nav_sections": _sections(frozenset(roles)),
        "user_roles": roles,
        "can_use_admin": bool(roles & ADMIN_SITE_ROLES) or user.is_superuser,
    }
