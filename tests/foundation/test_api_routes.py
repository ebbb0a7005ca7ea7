"""The API is mounted by one router (config/api.py); every path published before it stays.

api_paths.txt is the list taken from the URLconf when each app still kept its own router (paths
normalised: a regex's anchors dropped), one "path name" per line. A path added or removed on
purpose is a change to that list, made in the same commit.
"""

import re
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from config import api

FROZEN = Path(__file__).with_name("api_paths.txt")


def _walk(resolver, prefix="", namespace=None):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from _walk(p, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else (p.name or "")
            yield prefix + str(p.pattern), name


def _normalise(pattern: str) -> str:
    pattern = re.sub(r"(^|/)\^", r"\1", pattern)
    return pattern[:-1] if pattern.endswith("$") else pattern


def api_paths() -> list[str]:
    found = {(_normalise(p), name) for p, name in _walk(get_resolver())}
    return sorted(f"{p} {name}" for p, name in found if p.startswith("api/"))


def test_every_api_path_and_name_is_the_one_published_before():
    assert api_paths() == FROZEN.read_text().splitlines()


def test_no_app_keeps_a_router_of_its_own():
    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for path in root.glob("*/**/*.py")
        if ".venv" not in path.parts
        and "tests" not in path.parts
        and path != root / "config" / "api.py"
        and re.search(r"\b(Simple|Default)Router\(", path.read_text())
    ]
    assert offenders == []


def test_the_index_pages_list_their_app_resources(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("reader", password="x"))
    body = client.get(reverse("governance:api-root"), HTTP_ACCEPT="application/json").json()
    assert body["counterparties"].endswith("/api/governance/counterparties/")
    body = client.get(reverse("reporting:api-root"), HTTP_ACCEPT="application/json").json()
    assert set(body) == {p.removeprefix("reporting/") for p, _v, _b in api.REGISTRY["reporting"]}


def test_pages_turn_service_errors_into_messages_one_way():
    """Views run services through core.pages; none catches ApplicationError itself."""
    import ast

    root = Path(__file__).resolve().parents[2]
    catching = []
    for path in root.glob("*/*views*.py"):
        if ".venv" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ExceptHandler) and node.type is not None:
                if "ApplicationError" in ast.unparse(node.type):
                    catching.append(f"{path.relative_to(root)}:{node.lineno}")
    assert catching == []
