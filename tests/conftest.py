"""The test harness: a real Meilisearch per test session, a clean cache per test, eager Celery.

In CI (CI=true) a missing PostgreSQL, Redis, Meilisearch or Chromium fails the run; locally a
test that needs a missing part is skipped with the reason.
"""

import os
import re
import tempfile
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test.utils import override_settings

from hub import meili
from hub.celery import app as celery_app

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(condition: bool, why: str) -> None:
    """Skip locally, fail in CI: CI must never pass by skipping."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"required in CI: {why}")
    pytest.skip(why)


def bench_env() -> dict:
    """The environment for running a bench command (`manage.py bench`, `search_bench`) from a
    test: this test's own Redis database (one per xdist worker: no other test clears it while
    the bench runs) and this test's database as the one the bench names its own after
    (test_…_gw0 → test_…_gw0_bench), never the developer's `<name>_bench`, which the bench
    would otherwise drop under their feet."""
    from django.db import connection

    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    if env.get("REDIS_URL"):
        env["REDIS_URL"] = settings.CACHES["default"]["LOCATION"]
    database = connection.settings_dict
    if database["ENGINE"].endswith("postgresql"):
        auth = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
        host = f"{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
        env["DATABASE_URL"] = f"postgres://{auth}@{host}/{database['NAME']}"
    return env


def _worker_caches() -> dict:
    """Under pytest-xdist every worker clears the cache between tests, so each needs a Redis
    database of its own: worker N uses the configured database number minus N (CI: 15, 14)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    caches = settings.CACHES
    location = str(caches["default"].get("LOCATION", ""))
    match = re.fullmatch(r"(rediss?://[^/]+)/(\d+)", location)
    if not worker or not match:
        return caches
    number = int(match[2]) - int(worker.removeprefix("gw"))
    if number < 0:
        raise RuntimeError(f"no Redis database left for xdist worker {worker} below {location}")
    return {**caches, "default": {**caches["default"], "LOCATION": f"{match[1]}/{number}"}}


@pytest.fixture(scope="session", autouse=True)
def _test_settings():
    """Plain HTTP for the test client and the live server; tasks run in-process."""
    celery_app.conf.task_always_eager = True
    with override_settings(
        CACHES=_worker_caches(),
        SECURE_SSL_REDIRECT=False,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        CELERY_TASK_ALWAYS_EAGER=True,
        MFA_REQUIRED_FOR_STAFF=False,
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        WHITENOISE_USE_FINDERS=True,
        WHITENOISE_AUTOREFRESH=True,
    ):
        yield


class MeiliHandle:
    """The session's Meilisearch server; `stop()`/`start()` for fault tests."""

    def __init__(self, server: meili.LocalServer | None, error: str = ""):
        self.server, self.error = server, error

    @property
    def available(self) -> bool:
        return self.server is not None

    def stop(self) -> None:
        self.server.stop()

    def start(self) -> None:
        self.server.start()


@pytest.fixture(scope="session", autouse=True)
def meilisearch_server(_test_settings):
    """A real Meilisearch on its own port with a temporary data folder. Every test session
    uses index names of its own, so it can never write into a developer's index."""
    run = uuid.uuid4().hex[:8]
    data_dir = Path(tempfile.mkdtemp(prefix="kumppani-meili-"))
    server, error = None, ""
    binary = meili.find_binary()
    if binary is None:
        error = "no Meilisearch binary (run `make test`, which fetches it)"
    else:
        try:
            server = meili.LocalServer(data_dir=data_dir, binary=binary).start()
        except meili.MeilisearchUnavailable as exc:
            error = str(exc)
    url = server.url if server else "http://127.0.0.1:9"  # discard port: nothing answers
    key = server.master_key if server else "unavailable"
    with override_settings(
        MEILISEARCH_URL=url, MEILISEARCH_MASTER_KEY=key, MEILISEARCH_INDEX=f"test_{run}"
    ):
        yield MeiliHandle(server, error)
    if server:
        server.stop()


@pytest.fixture
def meilisearch(meilisearch_server, settings):
    """A test that talks to Meilisearch: an index name of its own, deleted afterwards."""
    require(meilisearch_server.available, f"Meilisearch: {meilisearch_server.error}")
    from hub.search import client, schema

    uid = f"{settings.MEILISEARCH_INDEX}_{uuid.uuid4().hex[:8]}"
    settings.MEILISEARCH_INDEX = uid
    yield meilisearch_server
    if meilisearch_server.server.process.poll() is None:
        for index in client.client().get_indexes({"limit": 1000})["results"]:
            if index.uid.startswith(uid):
                client.client().delete_index(index.uid)
    schema.forget(uid)


@pytest.fixture(autouse=True)
def _clean_cache():
    """The cache outlives rolled-back test transactions (taxonomy trees, rate limits)."""
    cache.clear()
    yield
    cache.clear()
