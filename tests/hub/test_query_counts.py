"""Pages run a fixed number of SQL queries, however much content there is."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hub.models import Product, Region, Role
from knowledge.models import ArticlePage, SectionPage
from knowledge.services import knowledge_root
from tests.factories import make_member, make_org


@pytest.fixture
def anna():
    router = Product.objects.create(name="Router", slug="router")
    finland = Region.objects.create(name="Finland", slug="finland")
    technician = Role.objects.create(name="Technician", slug="technician")
    org = make_org(name="Aurora Oy", products=[router], regions=[finland])
    return make_member(org, roles=[technician])


def _grow(n: int) -> SectionPage:
    """n more sections with n articles each, each article with an audience."""
    root = knowledge_root()
    router = Product.objects.get(slug="router")
    section = None
    for i in range(n):
        section = root.add_child(
            instance=SectionPage(title=f"Section {i}", slug=f"s{i}-{SectionPage.objects.count()}")
        )
        for j in range(n):
            page = ArticlePage(title=f"Article {i}.{j}", slug=f"a{j}", summary="Summary")
            page.audience_products = [router]
            section.add_child(instance=page)
    return section


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/knowledge/", "section", "article", "/account/"])
def test_page_query_count_does_not_grow_with_content(
    client, anna, url, django_assert_max_num_queries
):
    client.force_login(anna)
    counts = []
    for size in (1, 4):
        section = _grow(size)
        target = {"section": section.url, "article": section.get_children().last().url}.get(
            url, url
        )
        client.get(target)  # warm the shared caches (taxonomy, site root)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(target)
        assert response.status_code == 200, target
        counts.append(len(queries))
    assert counts[0] == counts[1], f"{url}: {counts}"
    with django_assert_max_num_queries(MAX_QUERIES[url]):
        client.get(target)


# Every signed-in page pays session + user (2) and, where it shows content, the reach
# (memberships, organisation products, regions, roles: 4). Wagtail pages add its routing (one
# query per URL segment, fixed by depth), the site, view restrictions, and the page's audience
# (3); lists add one query per list.
MAX_QUERIES = {"/": 13, "/knowledge/": 11, "section": 18, "article": 18, "/account/": 8}
