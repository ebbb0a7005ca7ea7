"""Choice labels translated once per language (pages show the same few labels on every row)."""

from django.utils.translation import get_language, gettext

_cache: dict = {}


def choice_labels(choices_class) -> dict:
    """{value: label in the current language} for a Django `Choices` class (keyed by the class
    itself: an id() of a passing list could be reused by another)."""
    key = (choices_class, get_language())
    labels = _cache.get(key)
    if labels is None:
        labels = _cache[key] = {value: str(label) for value, label in choices_class.choices}
    return labels


def shown(value) -> str:
    """A plain value as a reader sees it: nothing is "—", a truth is 是/否, the rest its text."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    return str(value)
