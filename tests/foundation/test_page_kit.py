"""The page kit keeps its one way (docs/kit.md): a posted form runs its service through
`core.pages.submit`; a writers' page action is `accounts.policy.pages.writer_action` and a page
for the firm-wide roles `firm_wide_page`. A view that validates a form and says what is wrong
itself, or a module that builds its own page decorator round login_required, is a private copy
of the kit; this walk of the source finds one."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = (
    "core",
    "accounts",
    "audit",
    "deadlines",
    "notifications",
    "security",
    "governance",
    "incidents",
    "reporting",
    "training",
    "integrations",
)
KIT = {"core/pages.py", "accounts/policy/pages.py"}
# Sites allowed to keep their own form handling: none.
KNOWN: set[tuple[str, str]] = set()


def _modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            if "migrations" not in path.parts and name not in KIT:
                yield name, ast.parse(path.read_text(), name)


def _name(node) -> str:
    """`pages.form_errors` -> "form_errors"; `login_required` -> "login_required"."""
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _says_error(statements) -> bool:
    """Some statement calls messages.error(...)."""
    return any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "error"
        and _name(node.func.value) == "messages"
        for statement in statements
        for node in ast.walk(statement)
    )


def _validity(test) -> tuple[bool, bool]:
    """(is a form's is_valid() call, negated)."""
    negated = isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)
    call = test.operand if negated else test
    valid = isinstance(call, ast.Call) and _name(call.func) == "is_valid" and not call.args
    return valid, negated


def _private_copies(name: str, tree) -> list[str]:
    found = set()
    for function in ast.walk(tree):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if (name, function.name) in KNOWN:
            continue
        for node in ast.walk(function):
            where = f"{name}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, ast.Call) and _name(node.func) == "form_errors":
                found.add(f"{where}: a form's errors turned into a message by hand")
            if isinstance(node, ast.If):
                valid, negated = _validity(node.test)
                if valid and _says_error(node.body if negated else node.orelse):
                    found.add(f"{where}: validates a form, else says so itself")
            # A decorator of its own: login_required applied by hand (writer_action's
            # login_required(require_POST(...)), a firm-wide page's), or on an inner function.
            if isinstance(node, ast.Call) and _name(node.func) == "login_required" and node.args:
                found.add(f"{where}: its own page decorator")
            if (
                node is not function
                and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                and any(_name(d) == "login_required" for d in node.decorator_list)
            ):
                found.add(f"{where}: its own page decorator")
    return sorted(found)


def test_views_post_forms_and_actions_through_the_kit():
    found = [copy for name, tree in _modules() for copy in _private_copies(name, tree)]
    assert not found, (
        "Use core.pages.submit (a posted form: validate, run the service, or say what is "
        "wrong) and accounts.policy.pages (writer_action: a writers' POST-only action; "
        "firm_wide_page: a page for the firm-wide roles):\n" + "\n".join(found)
    )


def test_the_walk_finds_a_private_copy():
    source = """
def writer_action(view):
    return login_required(require_POST(view))

def officer_view(func):
    @wraps(func)
    @login_required
    def wrapper(request):
        return func(request)
    return wrapper

def medium_check(request, pk):
    form = CheckForm(request.POST)
    if form.is_valid():
        pages.run(request, service, **form.cleaned_data)
    else:
        messages.error(request, pages.form_errors(form))

def drill_cancel(request, pk):
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why.")
"""
    assert _private_copies("x/views.py", ast.parse(source)) == [
        "x/views.py:14: validates a form, else says so itself",
        "x/views.py:17: a form's errors turned into a message by hand",
        "x/views.py:21: validates a form, else says so itself",
        "x/views.py:3: its own page decorator",
        "x/views.py:8: its own page decorator",
    ]
