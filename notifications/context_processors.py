def unread(request):
    """The signed-in user's unread in-app messages, for the header (one indexed COUNT)."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    from .selectors import unread_count

    return {"notifications_unread": unread_count(user=user)}
