"""What /healthz checks. Each check answers quickly and never reveals configuration."""

import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from hub import meili


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache() -> None:
    key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    if cache.get(key) != value:
        raise RuntimeError("cache did not return what was stored")
    cache.delete(key)


def _broker() -> None:
    from hub.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


def _meilisearch() -> None:
    if not meili.is_healthy(settings.MEILISEARCH_URL, timeout=2):
        raise RuntimeError("Meilisearch does not answer")


def checks() -> dict[str, tuple[Callable[[], None], bool]]:
    """name -> (check, required). Search degrades to a database search when Meilisearch is
    down, so it is reported but does not fail the health check; an eager Celery needs no broker."""
    out = {"database": (_database, True), "cache": (_cache, True)}
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        out["broker"] = (_broker, True)
    out["meilisearch"] = (_meilisearch, False)
    return out


def run() -> tuple[bool, dict]:
    results, healthy, degraded = {}, True, False
    for name, (check, required) in checks().items():
        started = time.perf_counter()
        try:
            check()
            ok, error = True, None
        except Exception as exc:  # a health check reports every failure, whatever it is
            ok, error = False, type(exc).__name__
        entry = {
            "ok": ok,
            "required": required,
            "ms": round((time.perf_counter() - started) * 1000, 1),
        }
        if error:
            entry["error"] = error
        results[name] = entry
        if not ok:
            healthy = healthy and not required
            degraded = True
    if settings.CELERY_TASK_ALWAYS_EAGER:
        results["broker"] = {"ok": True, "required": False, "mode": "eager (in-process)"}
    status = "fail" if not healthy else ("degraded" if degraded else "ok")
    return healthy, {"status": status, "checks": results}
