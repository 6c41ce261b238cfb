import pytest


@pytest.mark.django_db
def test_healthz_reports_every_part(client):
    response = client.get("/healthz")
    body = response.json()
    assert set(body["checks"]) >= {"database", "cache", "broker", "meilisearch"}
    assert body["checks"]["database"]["ok"] is True
