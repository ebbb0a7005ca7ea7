"""Arrows point down. The ground floor (core, accounts, audit, deadlines, notifications, security)
never imports a domain app; core imports nothing of the project above it; and no two project
modules import each other at module level, directly or round a longer circle.

The walk reads the source (ast), so an import inside a function counts for the floors: it is
still an arrow, only a later one. Circles count module-level imports only (the ones that run when
the module loads); tests and migrations are left out.
"""

import ast
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GROUND = {"core", "accounts", "audit", "deadlines", "notifications", "security"}
DOMAIN = {"governance", "incidents", "reporting", "training", "integrations"}
PROJECT = GROUND | DOMAIN | {"config", "bench"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    found = {}
    for app in PROJECT:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                found[_module_name(path)] = path
    return found


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if not is_package:
        base.pop()
    base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
    return ".".join(base + ([node.module] if node.module else []))


def _targets(module: str, path: Path, node) -> list[str]:
    """The project modules one import statement loads (a name imported from a package is its
    submodule when there is one)."""
    known = modules()
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = _resolve(module, path.name == "__init__.py", node)
        names = [
            f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
            for alias in node.names
        ]
    return [name for name in names if name.split(".")[0] in PROJECT]


def _is_type_checking(node) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(test)


def imports(module: str, *, top_level_only: bool) -> set[str]:
    path = modules()[module]
    tree = ast.parse(path.read_text(), str(path))
    found: set[str] = set()
    if not top_level_only:
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                found.update(_targets(module, path, node))
        return found

    def visit(statements):
        for node in statements:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                found.update(_targets(module, path, node))
            elif isinstance(node, (ast.If, ast.Try, ast.With)) and not _is_type_checking(node):
                for child in ast.iter_child_nodes(node):
                    if isinstance(child, ast.ExceptHandler):
                        visit(child.body)
                    elif isinstance(child, ast.stmt):
                        visit([child])

    visit(tree.body)
    return found


def test_the_ground_floor_imports_no_domain_app():
    wrong = sorted(
        f"{module} -> {target}"
        for module in modules()
        if module.split(".")[0] in GROUND
        for target in imports(module, top_level_only=False)
        if target.split(".")[0] in DOMAIN
    )
    assert wrong == []


def test_core_imports_nothing_of_the_project_above_it():
    wrong = sorted(
        f"{module} -> {target}"
        for module in modules()
        if module.split(".")[0] == "core"
        for target in imports(module, top_level_only=False)
        if target.split(".")[0] != "core"
    )
    assert wrong == []


# Inside the ground floor, the arrows named in issue 14 point down too.
LOWER = [
    ("audit.apps", "accounts.models"),
    ("notifications", "deadlines"),
    # Tasks call services; services enqueue a task by its name (the circle issue 14 found).
    ("training.services", "training.tasks"),
]


def test_named_upward_imports_are_gone():
    wrong = sorted(
        f"{module} -> {target}"
        for lower, upper in LOWER
        for module in modules()
        if module == lower or module.startswith(lower + ".")
        for target in imports(module, top_level_only=False)
        if target == upper or target.startswith(upper + ".")
    )
    assert wrong == []


def _circles() -> list[list[str]]:
    graph = {m: imports(m, top_level_only=True) & modules().keys() for m in modules()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []

    def connect(node):  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph[node]:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return components


def test_no_module_level_import_circle():
    assert _circles() == []


def test_the_walk_tells_module_level_from_later_imports():
    # training.services.courses enqueues by task name; governance.views imports a service lazily.
    assert "accounts.models" in imports("accounts.admin", top_level_only=True)
    assert "deadlines.services" in imports("governance.views", top_level_only=False)
    assert "deadlines.services" not in imports("governance.views", top_level_only=True)
