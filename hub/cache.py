"""The cache: Django's, with two additions for Redis.

- One Redis client per connection pool, instead of a new client object for every call (a cache
  read took 0.185 ms, 0.06 ms of it building that client; a search request makes about eight).
  Backends are per thread (django.core.cache.caches), and a redis-py client only borrows
  connections from its pool, so sharing it is safe.
- `append()`: a numbered entry (a log event) in one atomic round trip.
- Reading ahead: the session and the small entries of a person that most pages read, in one
  round trip when their request starts (`reads_ahead`, `get_ahead`, `get_many_ahead`; below).
"""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from django.utils.functional import cached_property

# INCR the counter and store the entry under the number it gave, as one step.
_APPEND_SCRIPT = """
local n = redis.call('INCR', KEYS[1])
redis.call('SET', ARGV[1] .. n, ARGV[2], 'EX', ARGV[3])
return n
"""


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(
                connection_pool=self._get_connection_pool(write)
            )
        return client

    @cached_property
    def _append_script(self):
        return self.get_client(write=True).register_script(_APPEND_SCRIPT)


class RedisCache(DjangoRedisCache):
    @cached_property
    def _cache(self):
        return RedisCacheClient(self._servers, **self._options)

    def append(self, counter: str, key_format: str, value, timeout: int) -> int:
        # Django's default key function puts the key last, so the entry's full key is the full
        # key of `key_format` without its number, followed by the number.
        prefix = self.make_and_validate_key(key_format.format(""))
        client = self._cache
        return int(
            client._append_script(
                keys=[self.make_and_validate_key(counter)],
                args=[prefix, client._serializer.dumps(value), int(timeout)],
                client=client.get_client(write=True),
            )
        )


def append(counter: str, key_format: str, value, timeout: int) -> int:
    """Store `value` under `key_format.format(n)`, n being the next number of `counter`, and
    return n. On Redis the number and the entry are written together, so whoever sees the number
    also finds the entry; other caches (the laptop's local memory) take two steps."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        return backend.append(counter, key_format, value, timeout)
    try:
        number = backend.incr(counter)
    except ValueError:  # the first entry (or the cache was emptied)
        backend.add(counter, 0, timeout=None)
        number = backend.incr(counter)
    backend.set(key_format.format(number), value, timeout=timeout)
    return number


# --- reading ahead ------------------------------------------------------------------------------
#
# A signed-in person's request reads a few small entries of theirs on almost every page: their
# moderation restriction, their reach (hub/audience.py), their unread count and the portal
# settings in the chrome; a search, the vocabulary and the taxonomy trees. Apps name those keys
# here (`reads_ahead`); ReadAheadMiddleware reads them all in one round trip when the request
# starts, together with the session itself once this process has seen whose it is (before,
# the session first, then the entries). `get_ahead`/`get_many_ahead` hand each value out once,
# in place of `cache.get`/`cache.get_many`. Once means once: a second read of a key in the
# same request (after the request itself changed it, say) goes to the cache. Outside a request
# (tasks, commands) they are `cache.get`/`cache.get_many`.

_ahead: ContextVar[dict | None] = ContextVar("kumppani_read_ahead", default=None)
_ahead_providers: list = []

# Whose session each session key is, as this process last saw it (the key's hash → user id).
# Only a hint: it lets the read-ahead take the session itself and that person's entries in the
# same round trip. A hint that is wrong (a hash collision) costs a second round trip, never
# another person's entries: their keys carry the user id, and only the signed-in person's keys
# are ever asked for.
_owners: dict[int, int] = {}
_OWNERS_MAX = 20_000


@dataclass(frozen=True)
class _Hinted:
    """The person a session key was last seen with, as the providers see a person."""

    pk: int
    is_authenticated: bool = True
    is_active: bool = True
    is_staff: bool = False


def reads_ahead(provider):
    """Register `provider(request, user) -> list of keys`, read for each signed-in person's
    request. `user` is that person, or before the session is read the person this process last
    saw with it (pk only, as an active member): use `user`, not `request.user`."""
    _ahead_providers.append(provider)
    return provider


@contextmanager
def reading_ahead(request):
    """The span of one request: what the providers name is read on entering (with the session,
    when this process knows whose it is)."""
    ahead: dict = {}
    token = _ahead.set(ahead)
    try:
        _read_ahead(request, ahead)
        yield
    finally:
        _ahead.reset(token)


def _read_ahead(request, ahead: dict) -> None:
    from hub.sessions import session_cache_key

    session = session_cache_key(request.COOKIES.get(settings.SESSION_COOKIE_NAME))
    hinted = _owners.get(hash(session)) if session else None
    if hinted is not None:
        _read(ahead, [session, *_keys(request, _Hinted(hinted))])
    user = request.user  # signing in reads the session: from `ahead` when it was read
    if not user.is_authenticated:
        return
    if user.pk != hinted:
        if session:
            if len(_owners) >= _OWNERS_MAX:
                _owners.clear()
            _owners[hash(session)] = user.pk
        _read(ahead, [key for key in _keys(request, user) if key not in ahead])


def _keys(request, user) -> list[str]:
    return list(dict.fromkeys(k for provider in _ahead_providers for k in provider(request, user)))


def _read(ahead: dict, keys: list[str]) -> None:
    if keys:
        found = caches["default"].get_many(keys)
        ahead.update({key: found.get(key) for key in keys})


def take_ahead(keys: list[str]) -> dict | None:
    """What this request read ahead for `keys`, as `cache.get_many` gives it, each handed out
    once; None (and nothing handed out) when it did not read them all."""
    ahead = _ahead.get()
    if ahead is None or any(key not in ahead for key in keys):
        return None
    values = {key: ahead.pop(key) for key in keys}
    return {key: value for key, value in values.items() if value is not None}


def get_many_ahead(keys: list[str]) -> dict:
    """`cache.get_many(keys)`, from what this request read ahead when it holds every key."""
    found = take_ahead(keys)
    return found if found is not None else caches["default"].get_many(keys)


def get_ahead(key: str):
    """`cache.get(key)`, from what this request read ahead when it holds the key."""
    return get_many_ahead([key]).get(key)
