"""The cache: Django's, with two additions for Redis.

- One Redis client per connection pool, instead of a new client object for every call (a cache
  read took 0.185 ms, 0.06 ms of it building that client; a search request makes about eight).
  Backends are per thread (django.core.cache.caches), and a redis-py client only borrows
  connections from its pool, so sharing it is safe.
- `append()`: a numbered entry (a log event) in one atomic round trip.
"""

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
