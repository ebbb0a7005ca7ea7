from django.urls import NoReverseMatch, reverse

from accounts.roles import ADMIN_SITE_ROLES, user_roles

from . import navigation as nav


def navigation(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    roles = user_roles(user)
    sections: dict[str, list] = {}
    for item in nav.items_for(roles):
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        sections.setdefault(item.section, []).append({"label": item.label, "url": url})
    return {
        "nav_sections": sorted(sections.items(), key=lambda kv: nav.SECTIONS.get(kv[0], 99)),
        "user_roles": roles,
        "can_use_admin": bool(roles & ADMIN_SITE_ROLES) or user.is_superuser,
    }
