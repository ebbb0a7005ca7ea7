from .models import InboxItem


def unread_count(*, user) -> int:
    return InboxItem.objects.filter(user=user, read_at__isnull=True).count()


def inbox_for(*, user, unread_only: bool = False):
    qs = InboxItem.objects.filter(user=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")
