"""Tests that write content: each builds its own world in an index of its own."""

import pytest

from hub.search import services
from knowledge.models import ArticlePage

pytestmark = pytest.mark.django_db


def test_sort_newest_pagination_and_shareable_urls(client, fresh_world):
    section = fresh_world.section
    for i in range(25):
        page = ArticlePage(title=f"Widget guide {i:02d}", slug=f"w{i}", summary="widget")
        section.add_child(instance=page)
        page.save_revision().publish()
    services.outbox_drain()
    client.force_login(fresh_world.anna)
    response = client.get("/search/", {"q": "widget", "sort": "newest"})
    results = response.context["results"]
    assert results.total == 25 and results.pages == 2 and len(results.hits) == 20
    assert results.next_url == "?q=widget&sort=newest&page=2"
    first = results.hits
    response = client.get("/search/" + results.next_url)
    second = response.context["results"].hits
    assert second[0].position == 21 and len(second) == 5
    everything = first + second
    assert {h.title for h in everything} == {f"Widget guide {i:02d}" for i in range(25)}
    dates = [h.published_at for h in everything]
    assert dates == sorted(dates, reverse=True)
    # Page past the end: a normal page with a way back.
    response = client.get("/search/", {"q": "widget", "page": "99"})
    assert response.status_code == 200 and b"Back to the first page" in response.content


def test_the_search_page_runs_at_most_three_sql_queries(
    client, fresh_world, django_assert_max_num_queries
):
    client.force_login(fresh_world.anna)
    for size in (3, 15):
        for i in range(size):
            page = ArticlePage(title=f"Gadget {size}-{i}", slug=f"g{size}-{i}", summary="gadget")
            fresh_world.section.add_child(instance=page)
            page.save_revision().publish()
        services.outbox_drain()
        for params in (
            {"q": "gadget"},
            {"q": "gadget", "product": "router", "type": "article", "sort": "newest"},
            {"q": "nothing-like-this-anywhere", "region": "finland"},
            {"q": 'x" OR 1=1', "page": "-3"},
        ):
            client.get("/search/", params)  # warm the caches (taxonomy, reach)
            with django_assert_max_num_queries(3):
                response = client.get("/search/", params)
            assert response.status_code == 200


def test_a_new_page_is_found_after_publishing(client, fresh_world):
    page = ArticlePage(title="Brand new gizmo", slug="gizmo", summary="gizmo")
    fresh_world.section.add_child(instance=page)
    page.save_revision().publish()
    services.outbox_drain()
    client.force_login(fresh_world.clara)
    assert [h.title for h in client.get("/search/", {"q": "gizmo"}).context["results"].hits] == [
        "Brand new gizmo"
    ]
