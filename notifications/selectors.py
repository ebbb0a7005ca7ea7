from django.db.models import Count

from core.prepared import PreparedQuery

from .models import InboxItem

# Every page's header shows the count: compiled once (core.prepared), not per request.
_UNREAD = PreparedQuery(
    lambda user: (
        InboxItem.objects.filter(user_id=user, read_at__isnull=True)
        .values("user_id")
        .annotate(n=Count("id"))
        .values("n")
    ),
    "user",
)


def unread_count(*, user) -> int:
    rows = _UNREAD.rows(user=user.pk)
    return rows[0]["n"] if rows else 0


def inbox_for(*, user, unread_only: bool = False):
    qs = InboxItem.objects.filter(user=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def unread_latest(*, user, limit: int = 5) -> list:
    """The newest unread messages of the user's inbox (the home's panel)."""
    return list(
        inbox_for(user=user, unread_only=True).only("id", "subject", "url", "created_at")[:limit]
    )
