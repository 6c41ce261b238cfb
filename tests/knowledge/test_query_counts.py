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


# Every signed-in page pays session + user (2), the reach (4), Wagtail's routing (one query per
# URL segment), the site, view restrictions and the page's effective audience (1, one UNION).
# Then: section 2 lists and the paginator's count; article its tags and the reader's own vote
# (staff: +1 for the counts); news the paginated list and its count; library the collections,
# the paginated list and its count.
MAX_QUERIES = {"section": 17, "article": 18, "news": 16, "library": 17}


@pytest.mark.parametrize("kind", ["section", "article", "news", "library"])
def test_query_count_does_not_grow_with_content(client, world, kind, django_assert_max_num_queries):
    parent, target = _setup(world, kind)
    client.force_login(world.anna)
    counts = []
    for size in (1, 6):
        _grow(world, kind, parent, size)
        client.get(target.url)  # warm the shared caches (taxonomy, site root)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(target.url)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], f"{kind}: {counts}"
    with django_assert_max_num_queries(MAX_QUERIES[kind]):
        client.get(target.url)
