"""Django's Redis cache with one Redis client per connection pool, instead of a new client
object for every call (a cache read took 0.185 ms, 0.06 ms of it building that client; a
search request makes about eight). Backends are per thread (django.core.cache.caches), and a
redis-py client only borrows connections from its pool, so sharing it is safe."""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from django.utils.functional import cached_property


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


class RedisCache(DjangoRedisCache):
    @cached_property
    def _cache(self):
        return RedisCacheClient(self._servers, **self._options)
