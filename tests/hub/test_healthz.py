import os

import pytest

from hub.celery import app as celery_app
from tests.conftest import require


@pytest.mark.django_db
def test_all_parts_answer(client, meilisearch):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] and body["checks"]["cache"]["ok"]
    assert body["checks"]["meilisearch"]["ok"]
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_meilisearch_down_degrades_but_stays_200(client, meilisearch):
    meilisearch.stop()
    try:
        response = client.get("/healthz")
    finally:
        meilisearch.start()
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["meilisearch"] == {
        "ok": False, "required": False, "ms": body["checks"]["meilisearch"]["ms"],
        "error": "RuntimeError",
    }  # fmt: skip


@pytest.mark.django_db
def test_broker_is_checked_when_tasks_are_not_eager(client, settings):
    require(bool(os.environ.get("REDIS_URL")), "REDIS_URL (a real broker)")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    assert response.json()["checks"]["broker"]["ok"] is True

    real = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:9/0"  # nothing listens on the discard port
    try:
        response = client.get("/healthz")
    finally:
        celery_app.conf.broker_url = real
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["broker"]["ok"] is False
    # Public endpoint: the failure is named, the configuration is not revealed.
    assert "127.0.0.1" not in response.content.decode()


@pytest.mark.django_db
def test_database_failure_is_503(client, monkeypatch):
    from hub import health

    def broken():
        raise OSError("connection refused")

    monkeypatch.setitem(health.checks.__globals__, "_database", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {
        "ok": False, "required": True, "ms": response.json()["checks"]["database"]["ms"],
        "error": "OSError",
    }  # fmt: skip
