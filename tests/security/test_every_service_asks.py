"""Every write service asks the policy about its actor, first, so a new service cannot forget.

Walks every public function of every app's `services` that takes an `actor` keyword and calls it
with no actor and with a signed-in user who holds no role, every other argument None: each must
refuse with the policy's error before it touches anything. Services that only the system runs
take `actor=SYSTEM` explicitly and are walked the same way.
"""

import importlib
import inspect

import pytest

from accounts.policy import PolicyDenied
from tests.conftest import make_user

APPS = [
    "accounts",
    "governance",
    "incidents",
    "reporting",
    "training",
    "integrations",
    "deadlines",
    "notifications",
]


def _services(app):
    try:
        module = importlib.import_module(f"{app}.services")
    except ModuleNotFoundError:
        return []
    names = getattr(module, "__all__", None) or dir(module)
    found = []
    for name in names:
        fn = getattr(module, name)
        if name.startswith("_") or not inspect.isfunction(fn):
            continue
        if not fn.__module__.startswith(f"{app}."):
            continue  # imported from elsewhere
        params = inspect.signature(fn).parameters
        if "actor" in params:
            found.append((name, fn))
    return found


def _call(fn, actor):
    kwargs = {}
    for name, p in inspect.signature(fn).parameters.items():
        if p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL):
            continue
        if name == "actor":
            kwargs[name] = actor
        elif p.default is inspect.Parameter.empty:
            kwargs[name] = None
    return fn(**kwargs)


@pytest.mark.django_db
@pytest.mark.parametrize("app", APPS)
def test_every_write_service_refuses_missing_and_roleless_actor(app):
    nobody = make_user(f"nobody-{app}")
    services = _services(app)
    silent = []
    for name, fn in services:
        for actor in (None, nobody):
            try:
                _call(fn, actor)
            except PolicyDenied:
                continue
            except Exception as exc:  # noqa: BLE001 - anything but a refusal is the finding
                silent.append(f"{name}(actor={actor!r}): {type(exc).__name__}: {exc}")
                break
            else:
                silent.append(f"{name}(actor={actor!r}): ran")
                break
    assert not silent, "services that do not ask the policy first:\n" + "\n".join(silent)
