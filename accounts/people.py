"""How a person is named on pages, also for rows read without loading `User` objects."""

NAME_FIELDS = ("display_name", "first_name", "last_name", "username")


def full_name(display_name: str, first_name: str, last_name: str, username: str) -> str:
    """The one naming rule (`User.__str__` uses it too): display name, else full name, else
    the username."""
    return display_name or f"{first_name} {last_name}".strip() or username


def name_fields(relation: str) -> list[str]:
    """The `.values()` lookups a row needs to name the user behind `relation`."""
    return [f"{relation}__{f}" for f in NAME_FIELDS]


def name_from_row(row, relation: str = "") -> str:
    """The name of the user behind `relation` in a `.values()` row ("" when there is none);
    without `relation`, of a row read from the user table itself."""
    keys = [f"{relation}__{f}" if relation else f for f in NAME_FIELDS]
    if row.get(keys[-1]) is None:
        return ""
    return full_name(*(row[k] or "" for k in keys))
