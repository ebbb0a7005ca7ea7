from core import demo  # noqa: F401
