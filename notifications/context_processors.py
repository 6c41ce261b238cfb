from functools import cache

from hub.context_processors import prefetched
from notifications.services import _unread_key, unread_count


def unread_cache_key(user_id: int) -> str:
    """Where the unread count is cached (hub/context_processors.py reads it with the page)."""
    return _unread_key(user_id)


def notifications(request):
    """The unread count for the header: read only when a template asks, once per request (the
    nav is rendered twice, narrow and wide), from the cache — or from what the view already read
    in its own cache round trip (hub/context_processors.py)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    found, count = prefetched(request, unread_cache_key(user.pk))
    if found:
        return {"notifications_unread": count}
    return {"notifications_unread": cache(lambda: unread_count(user))}
