from notifications.services import unread_count


def notifications(request):
    """The unread count for the header, read only when a template asks (cached per person)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notifications_unread": lambda: unread_count(user)}
