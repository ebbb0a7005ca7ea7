"""Navigation registry: each app adds its own entries from AppConfig.ready(), so the base
template shows a page only once the feature behind it exists."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise


@dataclass(frozen=True)
class NavItem:
    section: str  # "compliance", "incidents", "my" (staff), "audit"
    label: str | Promise  # usually a lazy translation, rendered per request
    url_name: str
    roles: frozenset = field(default_factory=frozenset)  # empty: every signed-in user
    order: int = 100


SECTIONS = {
    "my": 10,
    "incidents": 20,
    "compliance": 30,
    "audit": 40,
}

# The sidebar's icon (bootstrap-icons name) for each entry, by URL name; an entry not named here
# gets a plain dot. Kept here, not on NavItem, so an app registers its entries without knowing
# the design system.
ICONS = {
    "incidents:concern-new": "megaphone",
    "incidents:my-concerns": "chat-left-text",
    "incidents:my-rectifications": "wrench-adjustable",
    "training:my": "mortarboard",
    "deadlines:mine": "alarm",
    "notifications:inbox": "envelope",
    "integrations:tokens": "key",
    "governance:directory": "person-lines-fill",
    "incidents:list": "exclamation-octagon",
    "incidents:create": "plus-circle",
    "incidents:concern-queue": "inboxes",
    "integrations:alert-queue": "broadcast",
    "reporting:report-list": "send",
    "reporting:intel-list": "lightbulb",
    "governance:dashboard": "speedometer2",
    "governance:agreement-list": "file-earmark-text",
    "governance:registration-list": "share",
    "governance:meeting-list": "people",
    "deadlines:firm": "calendar-week",
    "reporting:notice-list": "bank",
    "reporting:rule-list": "list-check",
    "reporting:metrics": "graph-up",
    "reporting:import": "file-earmark-arrow-up",
    "training:plans": "journal-check",
    "training:drills": "activity",
    "integrations:webhooks": "plug",
    "audit:log": "journal-text",
    "governance:sharing-log": "arrow-left-right",
    "integrations:export": "box-arrow-down",
    "governance:sharing-request-list": "clipboard-check",
    "governance:catalogue": "table",
    "governance:medium-list": "device-hdd",
    "governance:evaluation-list": "clipboard-data",
    "governance:ledger": "journal-bookmark",
    "incidents:plan-list": "shield-check",
    "reporting:inspection-pack": "briefcase",
    "training:campaigns": "broadcast-pin",
}
SECTION_ICONS = {
    "my": "person-workspace",
    "incidents": "shield-exclamation",
    "compliance": "clipboard-check",
    "audit": "search",
}


def icon_for(url_name: str) -> str:
    return ICONS.get(url_name, "dot")


_items: list[NavItem] = []
_version = 0


def register(item: NavItem) -> None:
    global _version
    if all(i.url_name != item.url_name for i in _items):
        _items.append(item)
        _version += 1


def version() -> int:
    """Changes whenever an entry is registered (caches of rendered navigation key on it)."""
    return _version


# Who holds which roles is the accounts app's to say (it registers a reader in its ready());
# core only asks. Without one, a user holds no role and the admin link shows to superusers.
_roles_of: Callable = lambda user: set()  # noqa: E731
_may_use_admin: Callable = lambda user, roles: bool(getattr(user, "is_superuser", False))  # noqa: E731


def register_roles(roles_of: Callable, may_use_admin: Callable) -> None:
    """roles_of(user) -> set of role codes; may_use_admin(user, roles) -> bool."""
    global _roles_of, _may_use_admin
    _roles_of, _may_use_admin = roles_of, may_use_admin


def roles_of(user) -> set:
    return _roles_of(user)


def may_use_admin(user, roles) -> bool:
    return _may_use_admin(user, roles)


def items_for(roles: set[str]) -> list[NavItem]:
    visible = [i for i in _items if not i.roles or (set(i.roles) & roles)]
    return sorted(visible, key=lambda i: (SECTIONS.get(i.section, 99), i.order))
