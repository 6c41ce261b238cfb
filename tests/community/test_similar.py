""" "Similar questions and articles" while typing a title: Meilisearch under the person's
audience, the database when Meilisearch is down."""

import pytest
from django.urls import reverse

from community import selectors
from hub.search.services import outbox_drain
from tests.community.conftest import make_topic


@pytest.mark.django_db
def test_similar_comes_from_the_index_under_the_audience(client, forum, meilisearch):
    make_topic(forum.routers, forum.aki, title="Router firmware update fails halfway")
    make_topic(forum.lounge, forum.clara, title="Partner firmware update pricing")
    outbox_drain()
    titles = {h.title for h in selectors.similar_to(forum.anna, "firmware update").hits}
    assert titles == {"Router firmware update fails halfway"}
    titles = {h.title for h in selectors.similar_to(forum.clara, "firmware update").hits}
    assert titles == {"Partner firmware update pricing"}
    client.force_login(forum.anna)
    response = client.get(reverse("community:similar"), {"title": "firmware updat"})
    page = response.content.decode()
    assert response.status_code == 200 and "Router firmware update fails halfway" in page
    assert "Partner" not in page and "<html" not in page
    assert client.get(reverse("community:similar"), {"title": "x"}).content.decode().strip() == ""


@pytest.mark.django_db
def test_similar_falls_back_to_the_database(settings, forum):
    settings.MEILISEARCH_URL = "http://127.0.0.1:9"  # nothing listens there
    make_topic(forum.routers, forum.aki, title="Router firmware update fails halfway")
    make_topic(forum.lounge, forum.clara, title="Partner firmware update pricing")
    results = selectors.similar_to(forum.anna, "my firmware broke")
    assert results.degraded
    assert {h.title for h in results.hits} == {"Router firmware update fails halfway"}


def test_new_topic_title_asks_for_similar_with_htmx(client, forum):
    client.force_login(forum.anna)
    page = client.get(reverse("community:new_topic", args=["routers"])).content.decode()
    assert f'hx-get="{reverse("community:similar")}"' in page
    assert 'hx-trigger="input changed delay:300ms"' in page
    assert 'id="similar-results"' in page and 'aria-live="polite"' in page
