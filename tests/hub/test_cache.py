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


# --- reading ahead ------------------------------------------------------------------------------


def test_a_value_read_ahead_is_handed_out_once_then_read_from_the_cache(db, rf, monkeypatch):
    from tests.factories import make_user

    monkeypatch.setattr(hub_cache, "_ahead_providers", [lambda request: ["t:a", "t:b"]])
    cache.set("t:a", 1)
    request = rf.get("/")
    request.user = make_user()
    with hub_cache.reading_ahead(request):
        cache.set("t:a", 2)  # e.g. the request itself changed it
        assert hub_cache.get_ahead("t:a") == 1  # as the request started
        assert hub_cache.get_ahead("t:a") == 2  # once only: now from the cache
        assert hub_cache.get_many_ahead(["t:b"]) == {}  # read ahead, and absent
        assert hub_cache.get_ahead("t:unnamed") is None  # never read ahead: the cache
    cache.set("t:a", 5)
    assert hub_cache.get_ahead("t:a") == 5  # outside a request: the cache


def test_a_signed_in_request_reads_the_persons_entries_in_one_round_trip(db, client, monkeypatch):
    """The restriction, the reach, the unread count and the portal settings: one `get_many` at
    the start of the request, and none of them read again."""
    from accounts.models import PORTAL_SETTINGS_CACHE_KEY
    from tests.factories import make_member, make_org

    person = make_member(make_org())
    client.force_login(person)
    client.get("/")  # fills the entries
    asked = []
    backend = caches["default"]
    for name in ("get", "get_many"):
        original = getattr(backend, name)

        def counting(keys, *args, _name=name, _original=original, **kwargs):
            asked.append((_name, keys if _name == "get_many" else [keys]))
            return _original(keys, *args, **kwargs)

        monkeypatch.setattr(backend, name, counting)
    assert client.get("/", secure=True).status_code == 200
    person_keys = [keys for name, keys in asked if f"moderation:restriction:{person.pk}" in keys]
    assert len(person_keys) == 1
    read_ahead = person_keys[0]
    for key in (
        f"audience:reach:v1:reach:{person.pk}",
        f"notifications:unread:{person.pk}",
        PORTAL_SETTINGS_CACHE_KEY,
    ):
        assert key in read_ahead
        assert [keys for keys in (k for _, k in asked) if key in keys] == [read_ahead]
