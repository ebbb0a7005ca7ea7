"""Home page registry: each app adds the panels its roles start their day with, from its
AppConfig.ready(), reading through its own selectors (core imports no domain app).

    from core import home

    home.register(home.Panel(
        key="incidents.my_cases",
        title=_("My open cases"),
        template="incidents/home/my_cases.html",
        context=lambda user: {"cases": selectors.my_open_cases(user=user)},
        roles=frozenset({Role.INCIDENT_HANDLER}),
        order=10,
    ))

The home shows the panels whose roles meet the user's roles (a person holding two roles sees
both sets, each panel once), in `order`. A panel's template receives its context plus `user`
and renders its own empty state, which says what to do next.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils.functional import Promise

from . import navigation


@dataclass(frozen=True)
class Panel:
    key: str
    title: str | Promise
    template: str
    context: Callable[..., dict]  # (user) -> the template's context
    roles: frozenset = field(default_factory=frozenset)  # empty: every signed-in user
    order: int = 100
    wide: bool = False  # spans the whole row instead of half of it


_panels: dict[str, Panel] = {}


def register(panel: Panel) -> Panel:
    _panels[panel.key] = panel
    return panel


def unregister(key: str) -> None:
    _panels.pop(key, None)


def panels_for(roles: set) -> list[Panel]:
    shown = [p for p in _panels.values() if not p.roles or set(p.roles) & set(roles)]
    return sorted(shown, key=lambda p: (p.order, p.key))


@dataclass(frozen=True)
class RenderedPanel:
    key: str
    title: str | Promise
    html: str
    wide: bool


def render_panels(request) -> list[RenderedPanel]:
    user = request.user
    rendered = []
    for panel in panels_for(navigation.roles_of(user)):
        ctx = {"user": user, "request": request, **panel.context(user)}
        html = render_to_string(panel.template, ctx, request=request)
        rendered.append(RenderedPanel(panel.key, panel.title, html, panel.wide))
    return rendered
