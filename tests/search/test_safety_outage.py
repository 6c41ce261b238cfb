"""Meilisearch goes away and comes back: the page falls back to the database (never wider),
/healthz says "degraded", saved content and editors' synonyms wait in the outbox and arrive
once it is back. Transactional: the outbox drains after commit, as in production."""

import json

import pytest
from django.urls import reverse

from hub.search import client as search_client
from hub.search import services
from hub.search.models import IndexOutbox, SynonymGroup
from knowledge.models import ArticlePage
from tests.search.conftest import build_world, titles
from tests.search.test_safety import ANNA_MUST_NOT_SEE


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_unreachable_meilisearch_falls_back_and_the_outbox_catches_up(client, meilisearch):
    world = build_world()
    services.outbox_drain()
    client.force_login(world.anna)
    meilisearch.stop()
    try:
        page = ArticlePage(title="Written while search sleeps", slug="sleeps", summary="firmware")
        world.section.add_child(instance=page)
        page.save_revision().publish()  # committed; the eager drain fails quietly
        assert IndexOutbox.objects.exists()
        response = client.get("/search/", {"q": "firmware", "product": "router"})
        assert response.status_code == 200
        results = response.context["results"]
        assert results.degraded
        assert b"simpler mode" in response.content
        assert "Written while search sleeps" in titles(response)
        assert not set(titles(response)) & ANNA_MUST_NOT_SEE
        assert client.get(reverse("search:suggest"), {"q": "firm"}).status_code == 200
        assert client.get("/api/v1/search", {"q": "firmware"}).json()["degraded"] is True
        assert client.get("/api/v1/search/token").status_code == 503
        health = client.get("/healthz")
        assert json.loads(health.content)["status"] == "degraded"
    finally:
        meilisearch.start()
    assert json.loads(client.get("/healthz").content)["status"] == "ok"
    assert not services.outbox_drain().failed
    assert not IndexOutbox.objects.exists()
    response = client.get("/search/", {"q": "sleeps"})
    assert not response.context["results"].degraded
    assert titles(response) == ["Written while search sleeps"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_editor_synonyms_reach_the_index_through_the_outbox(client, meilisearch):
    from tests.search.conftest import build_world

    world = build_world()
    services.outbox_drain()
    client.force_login(world.anna)
    assert client.get("/search/", {"q": "flashing"}).context["results"].total == 0
    meilisearch.stop()
    try:
        group = SynonymGroup(terms="Firmware, flashing,  FLASHING , microcode")
        group.full_clean()
        group.save()  # committed; the push waits in the outbox
        assert IndexOutbox.objects.filter(doc_id="settings-synonyms").exists()
    finally:
        meilisearch.start()
    assert not services.outbox_drain().failed
    assert search_client.index().get_synonyms()["flashing"] == ["firmware", "microcode"]
    assert client.get("/search/", {"q": "flashing"}).context["results"].total == 4
    group.delete()
    assert search_client.index().get_synonyms() == {}
