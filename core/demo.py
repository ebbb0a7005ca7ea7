"""Demo data registry. `manage.py seed_demo` runs every registered seeder in order; each app
registers its own from AppConfig.ready(). Seeders must be idempotent (get_or_create)."""

from collections.abc import Callable

_seeders: list[tuple[int, str, Callable]] = []


def register(order: int, name: str):
    def decorator(func):
        if all(n != name for _o, n, _f in _seeders):
            _seeders.append((order, name, func))
        return func

    return decorator


def seeders():
    return sorted(_seeders, key=lambda s: s[0])
