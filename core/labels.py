"""Choice labels translated once per language (pages show the same few labels on every row)."""

from django.utils.translation import get_language

_cache: dict = {}


def choice_labels(choices) -> dict:
    """{value: label in the current language} for a Django `Choices` class or choices list."""
    key = (id(choices), get_language())
    labels = _cache.get(key)
    if labels is None:
        pairs = choices.choices if hasattr(choices, "choices") else choices
        labels = _cache[key] = {value: str(label) for value, label in pairs}
    return labels
