"""Articles, news and documents reach the search index with their effective audience, and the
database fallback offers the same answer while Meilisearch is away."""

import datetime

import pytest

from hub.search import services
from knowledge.models import ArticlePage, NewsIndexPage, NewsPage, SectionPage
from tests.knowledge.conftest import add_document, add_page

pytestmark = pytest.mark.django_db

ANNA_SEES = {"Inherited firmware guide", "Router firmware news", "Router firmware manual"}
CLARA_SEES = {"Switch firmware news", "Switch firmware manual"}


@pytest.fixture
def content(world):
    routers = add_page(world.root, SectionPage, title="Routers", products=[world.router])
    add_page(routers, ArticlePage, title="Inherited firmware guide", summary="firmware")
    news = add_page(world.root, NewsIndexPage, title="News")
    day = datetime.date(2027, 1, 1)
    for title, product in (("Router", world.router), ("Switch", world.switch)):
        add_page(
            news,
            NewsPage,
            title=f"{title} firmware news",
            date=day,
            summary="firmware",
            products=[product],
        )
        add_document(f"{title} firmware manual", products=[product])
    add_page(news, NewsPage, title="Draft firmware news", date=day, live=False)


def _titles(client, person) -> set[str]:
    client.force_login(person)
    response = client.get("/search/", {"q": "firmware"})
    assert response.status_code == 200
    return {hit.title for hit in response.context["results"].hits}


def test_search_uses_the_effective_audience(client, world, content, meilisearch):
    services.outbox_drain()
    assert _titles(client, world.anna) == ANNA_SEES
    assert _titles(client, world.clara) == CLARA_SEES


def test_the_fallback_gives_the_same_answer(client, world, content, meilisearch):
    meilisearch.stop()
    try:
        assert _titles(client, world.anna) == ANNA_SEES
        assert _titles(client, world.clara) == CLARA_SEES
    finally:
        meilisearch.start()


def test_unpublished_news_has_no_search_document(world, content):
    draft = NewsPage.objects.get(title="Draft firmware news")
    assert draft.search_document() is None
    live = NewsPage.objects.get(title="Router firmware news")
    assert live.search_document()["products"] == ["router"]
