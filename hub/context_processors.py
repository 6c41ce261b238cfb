"""Context for every template, and one cache round trip for what the page chrome reads.

The chrome around every page (the unread count in the header, the portal settings in the
footer) reads the cache through the context processors, one round trip each. A view that reads
the cache anyway (knowledge/page_cache.py) asks for those keys in its own `get_many` through
`get_many_with_chrome`; the context processors then take the values from the request. A key the
cache did not have is left to the context processor, which reads (and fills) it as before."""

from django.conf import settings
from django.core.cache import cache

_PREFETCHED_ATTR = "_kumppani_chrome_prefetched"


def portal(request):
    return {"PORTAL_NAME": settings.WAGTAIL_SITE_NAME}


def _chrome_keys(request) -> list[str]:
    from accounts.models import PORTAL_SETTINGS_CACHE_KEY
    from notifications.context_processors import unread_cache_key

    keys = [PORTAL_SETTINGS_CACHE_KEY]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.pk is not None:
        keys.append(unread_cache_key(user.pk))
    return keys


def get_many_with_chrome(request, keys: list[str]) -> dict:
    """`cache.get_many(keys)`, reading what the chrome will need in the same round trip."""
    chrome = _chrome_keys(request)
    found = cache.get_many([*keys, *chrome])
    setattr(request, _PREFETCHED_ATTR, {key: found[key] for key in chrome if key in found})
    return found


def prefetched(request, key: str) -> tuple[bool, object]:
    """(True, value) when this request's view already read `key` for the chrome, else
    (False, None): then the caller reads the cache itself."""
    found = getattr(request, _PREFETCHED_ATTR, None)
    if found is not None and key in found:
        return True, found[key]
    return False, None
