"""The session engine (`SESSION_ENGINE = "hub.sessions"`): Django's cached_db, whose cache
read may already have been made by the request's read-ahead (hub/cache.py), in the same round
trip as the person's own entries. Stored exactly as cached_db stores it."""

from django.conf import settings
from django.contrib.sessions.backends import cached_db

from hub import cache as hub_cache


def session_cache_key(session_key: str | None) -> str | None:
    """Where the session under this cookie value is cached; None for a value no session has
    (what Django would refuse as a key)."""
    if not session_key or len(session_key) < 8 or not session_key.isalnum():
        return None
    if settings.SESSION_CACHE_ALIAS != "default":  # the read-ahead reads the default cache
        return None
    return SessionStore.cache_key_prefix + session_key


class SessionStore(cached_db.SessionStore):
    def load(self):
        found = hub_cache.take_ahead([self.cache_key])
        if found:  # read ahead, and there (absent: the database, as cached_db does)
            return found[self.cache_key]
        return super().load()
