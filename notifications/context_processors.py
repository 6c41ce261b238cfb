from functools import cache

from notifications.services import unread_count


def notifications(request):
    """The unread count for the header: read only when a template asks, once per request (the
    nav is rendered twice, narrow and wide), from the cache (read ahead, hub/cache.py)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notifications_unread": cache(lambda: unread_count(user))}
