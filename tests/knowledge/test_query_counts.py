"""Knowledge pages run a fixed number of SQL queries, however much content there is."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Collection

from knowledge.models import (
    ArticlePage,
    DocumentLibraryPage,
    NewsIndexPage,
    NewsPage,
    SectionPage,
)
from tests.knowledge.conftest import add_document, add_page

pytestmark = pytest.mark.django_db


def _grow(world, kind: str, parent, n: int):
    """n more items of content (with audiences) where the page under test lists or links them."""
    for i in range(n):
        seq = f"{kind}-{i}-{ArticlePage.objects.count()}-{NewsPage.objects.count()}"
        if kind in ("section", "article"):
            page = add_page(
                parent, ArticlePage, title=f"Article {seq}", products=[world.router], summary="S"
            )
            page.tags.add(f"tag{i}")
            page.save_revision().publish()
            add_page(parent, SectionPage, title=f"Sub {seq}", regions=[world.finland])
        elif kind == "news":
            add_page(
                parent,
                NewsPage,
                title=f"News {seq}",
                date=datetime.date(2026, 1, 1),
                products=[world.router],
            )
        else:
            collection = Collection.get_first_root_node().add_child(
                instance=Collection(name=f"Collection {seq}")
            )
            add_document(f"Doc {seq}", products=[world.router], collection=collection)


def _setup(world, kind: str):
    if kind in ("section", "article"):
        section = add_page(world.root, SectionPage, title="Routers", products=[world.router])
        target = add_page(
            section,
            ArticlePage,
            title="Target",
            body=[
                ("paragraph", "<p>Text</p>"),
                ("callout", {"kind": "tip", "text": "<p>Tip</p>"}),
            ],
        )
        return section, (section if kind == "section" else target)
    if kind == "news":
        index = add_page(world.root, NewsIndexPage, title="News")
        return index, index
    library = add_page(world.root, DocumentLibraryPage, title="Documents")
    return library, library


# Every signed-in page pays session + user (2); the reach comes from the cache (hub/audience.py),
# and after the warm-up request so do the site, the page at the path with its audience and
# Wagtail's view restrictions (the route entry), and the reader's own vote and subscription
# state (knowledge/page_cache.py). Then: the breadcrumbs (1); section 2 lists and the
# paginator's count; article its tags and related articles (1); news the paginated list and its
# count; library the collections, the paginated list and count.
# (The first request after a change also pays the site and its root page (2), the path and the
# page (2), the audience (1) and the view restrictions (2); staff, whose own parts are never
# cached, their vote, subscription and the editors' counts (3).)
MAX_QUERIES = {"section": 6, "article": 5, "news": 5, "library": 6}
MAX_CACHED_QUERIES = {"section": 2, "article": 2}


@pytest.mark.parametrize("kind", ["section", "article", "news", "library"])
def test_query_count_does_not_grow_with_content(client, world, kind, django_assert_max_num_queries):
    parent, target = _setup(world, kind)
    # Any query string but ?page=N bypasses the page cache: this measures the page itself.
    url = f"{target.url}?uncached=1"
    client.force_login(world.anna)
    counts = []
    for size in (1, 6):
        _grow(world, kind, parent, size)
        client.get(url)  # warm the shared caches (taxonomy, site root, the reach)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], f"{kind}: {counts}"
    with django_assert_max_num_queries(MAX_QUERIES[kind]):
        client.get(url)


@pytest.mark.parametrize("kind", ["section", "article"])
def test_cached_pages_run_only_the_personal_queries(
    client, world, kind, django_assert_max_num_queries
):
    parent, target = _setup(world, kind)
    client.force_login(world.anna)
    for size in (1, 6):
        _grow(world, kind, parent, size)
        client.get(target.url)  # stores the shared part (and the person's own parts)
        with django_assert_max_num_queries(MAX_CACHED_QUERIES[kind]):
            response = client.get(target.url)
        assert response["X-Knowledge-Cache"] == "hit"
