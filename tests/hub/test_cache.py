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

    monkeypatch.setattr(hub_cache, "_ahead_providers", [lambda request, user: ["t:a", "t:b"]])
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


# --- the session in the same round trip ---------------------------------------------------------


def _signed_in(client, person):
    from django.conf import settings

    from hub.sessions import session_cache_key

    client.force_login(person)
    assert client.get("/", secure=True).status_code == 200  # this process learns whose it is
    return session_cache_key(client.cookies[settings.SESSION_COOKIE_NAME].value)


def _get_many_calls(monkeypatch) -> list:
    backend = caches["default"]
    calls = []
    original = backend.get_many

    def counting(keys, *args, **kwargs):
        calls.append(list(keys))
        return original(keys, *args, **kwargs)

    monkeypatch.setattr(backend, "get_many", counting)
    return calls


def test_the_session_comes_with_the_persons_entries_in_one_round_trip(db, client, monkeypatch):
    from tests.factories import make_member, make_org

    person = make_member(make_org())
    session = _signed_in(client, person)
    assert hub_cache._owners[hash(session)] == person.pk
    calls = _get_many_calls(monkeypatch)
    response = client.get("/", secure=True)
    assert response.status_code == 200 and response.wsgi_request.user == person
    assert session in calls[0] and f"notifications:unread:{person.pk}" in calls[0]
    assert not any(session in keys for keys in calls[1:])


def test_a_wrong_hint_reads_the_signed_in_persons_own_entries_all_the_same(db, client, monkeypatch):
    """Were the hint another person's (a hash collision), their keys would be read and left
    unused: the request is the session's person's, with their own entries."""
    from tests.factories import make_member, make_org

    person, other = make_member(make_org()), make_member(make_org())
    session = _signed_in(client, person)
    hub_cache._owners[hash(session)] = other.pk
    calls = _get_many_calls(monkeypatch)
    response = client.get("/", secure=True)
    assert response.status_code == 200 and response.wsgi_request.user == person
    guessed, own = calls[:2]
    assert session in guessed and f"notifications:unread:{other.pk}" in guessed
    assert f"notifications:unread:{person.pk}" in own
    assert not any(f":{other.pk}" in key for keys in calls[1:] for key in keys)
    assert hub_cache._owners[hash(session)] == person.pk  # learnt again


def test_an_ended_session_stays_ended_whatever_the_hint(db, client):
    from django.conf import settings

    from tests.factories import make_member, make_org

    session = _signed_in(client, make_member(make_org()))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.logout()
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie  # the old cookie, sent again
    assert hub_cache._owners.get(hash(session))
    response = client.get("/", secure=True)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_session_gone_from_the_cache_is_read_from_the_database(db, client):
    from tests.factories import make_member, make_org

    person = make_member(make_org())
    session = _signed_in(client, person)
    cache.delete(session)
    response = client.get("/", secure=True)
    assert response.status_code == 200 and response.wsgi_request.user == person
