"""hub.cache: the Redis client kept per pool, and numbered entries in one step. (The cache is
emptied around every test by tests/conftest.py.)"""

from django.core.cache import cache, caches
from django.test import override_settings

from hub import cache as hub_cache
from tests.conftest import require


def _entries_are_numbered_in_order():
    numbers = [hub_cache.append("t:seq", "t:entry:{}", {"n": i}, timeout=60) for i in range(3)]
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]
    assert cache.get("t:seq") == numbers[-1]
    assert cache.get_many([f"t:entry:{n}" for n in numbers]) == {
        f"t:entry:{n}": {"n": i} for i, n in enumerate(numbers)
    }
    return numbers


def test_append_on_redis_writes_the_number_and_the_entry_together():
    require(isinstance(caches["default"], hub_cache.RedisCache), "the Redis cache (REDIS_URL)")
    numbers = _entries_are_numbered_in_order()
    backend = caches["default"]
    client = backend._cache.get_client(write=True)
    ttl = client.ttl(backend.make_key(f"t:entry:{numbers[0]}"))
    assert 0 < ttl <= 60
    assert client.ttl(backend.make_key("t:seq")) == -1  # the counter never expires


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
def test_append_on_other_caches_takes_two_steps_with_the_same_result():
    _entries_are_numbered_in_order()


def test_the_redis_client_is_made_once_per_pool():
    require(isinstance(caches["default"], hub_cache.RedisCache), "the Redis cache (REDIS_URL)")
    backend = caches["default"]._cache
    assert backend.get_client() is backend.get_client(write=True)
    cache.set("t:key", "value")
    assert cache.get("t:key") == "value"
