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


# Every signed-in page pays session + user (2); the reach comes from the cache (hub/audience.py).
# Wagtail's routing: the site, the root page and its specific row (3), then the whole path in
# one lookup plus the page's specific row (2, KnowledgeIndexPage.route); view restrictions (2)
# and the page's effective audience (1, one UNION); the breadcrumbs (1).
# Then: section 2 lists, the paginator's count and the subscription state; article its tags,
# related articles (1), the reader's own vote and subscription state (staff: +1 for the counts);
# news the paginated list and its count; library the collections, the paginated list and count.
MAX_QUERIES = {"section": 15, "article": 15, "news": 13, "library": 14}
# Served from the page cache: session, user, and the personal parts (vote, subscription).
MAX_CACHED_QUERIES = {"section": 3, "article": 4}


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
        client.get(target.url)  # stores the shared part
        with django_assert_max_num_queries(MAX_CACHED_QUERIES[kind]):
            response = client.get(target.url)
        assert response["X-Knowledge-Cache"] == "hit"
