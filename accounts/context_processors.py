from django.utils.functional import SimpleLazyObject

from accounts.models import PORTAL_SETTINGS_CACHE_KEY
from hub.context_processors import prefetched


def portal_settings(request):
    """`PORTAL_SETTINGS` for the footer: cached, and only read when a template uses it (or
    already read by the view in its own cache round trip, hub/context_processors.py)."""
    from accounts.selectors import portal_settings as read

    found, value = prefetched(request, PORTAL_SETTINGS_CACHE_KEY)
    if found:
        return {"PORTAL_SETTINGS": value}
    return {"PORTAL_SETTINGS": SimpleLazyObject(read)}
