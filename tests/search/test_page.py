"""The search page: one list over every type, facets with counts under the audience, sort,
pagination, shareable URLs, helpful zero-result pages and a fixed SQL budget."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hub.search import query as search_query
from hub.search import services
from tests.search.conftest import titles

pytestmark = pytest.mark.django_db

ANNA_FIRMWARE = {
    "Firmware update for every device",
    "Router firmware rollback",
    "R100 firmware notes",
    "Router firmware and Finnish operators",
}


def _facet(response, name) -> dict[str, tuple[int, bool]]:
    for facet in response.context["results"].facets:
        if facet.name == name:
            return {v.value: (v.count, v.selected) for v in facet.values}
    return {}


def test_results_with_type_badge_highlight_product_and_date(client, world):
    client.force_login(world.anna)
    response = client.get("/search/", {"q": "firmwre"})  # a typo, forgiven
    assert response.status_code == 200
    assert set(titles(response)) == ANNA_FIRMWARE
    html = response.content.decode()
    assert '<span class="badge type-article">Article</span>' in html
    assert "<mark>Firmwar" in html or "<mark>firmwar" in html
    assert "Router" in html  # the product label of a router article
    assert "<time datetime=" in html
    hit = response.context["results"].hits[0]
    assert hit.position == 1 and hit.id.startswith("article-")


def test_facets_count_under_the_audience_and_keep_alternatives(client, world):
    client.force_login(world.anna)
    response = client.get("/search/", {"q": "firmware"})
    products = _facet(response, "product")
    assert products == {"router": (2, False), "r100": (1, False)}
    assert _facet(response, "type") == {"article": (4, False)}
    assert "switch" not in products

    # Narrowed by product: the hits shrink, the product facet still offers the alternative.
    response = client.get("/search/", {"q": "firmware", "product": "r100"})
    assert titles(response) == ["R100 firmware notes"]
    assert _facet(response, "product") == {"r100": (1, True), "router": (2, False)}
    assert _facet(response, "region") == {}
    # Two values of one facet are OR-ed.
    response = client.get("/search/", {"q": "firmware", "product": ["r100", "router"]})
    assert response.context["results"].total == 3
    # And a second facet is AND-ed.
    response = client.get("/search/", {"q": "firmware", "product": "router", "region": "finland"})
    assert titles(response) == ["Router firmware and Finnish operators"]


def test_unknown_filter_values_are_ignored_with_a_notice(client, world):
    client.force_login(world.anna)
    response = client.get(
        "/search/", {"q": "firmware", "product": 'router" OR products IS EMPTY', "sort": "x"}
    )
    assert response.status_code == 200
    results = response.context["results"]
    assert results.params.filters == {}
    assert set(titles(response)) == ANNA_FIRMWARE
    assert len(results.notices) == 2
    assert b"were not recognised" in response.content


def test_zero_results_offer_a_spelling_fewer_filters_popular_and_help(client, world):
    client.force_login(world.anna)
    response = client.get("/search/", {"q": "rollbakc frmwaer", "product": "r100"})
    results = response.context["results"]
    assert results.total == 0
    assert results.suggestion == "rollback firmware"
    assert results.fewer_filters and results.fewer_filters[0][1] == "?q=rollbakc+frmwaer"
    popular = {h.title for h in results.popular}
    assert popular and popular <= ANNA_FIRMWARE | {
        "Resetting your password",
        "Router diagnostics for technicians",
    }
    html = response.content.decode()
    assert "Did you mean" in html and "Try fewer filters" in html
    assert "Popular articles" in html


def test_a_filter_only_search_lists_everything_in_that_facet(client, world):
    client.force_login(world.anna)
    response = client.get("/search/", {"product": "r100"})
    assert titles(response) == ["R100 firmware notes"]


def test_highlighting_cannot_be_forged_by_a_document():
    assert (
        search_query._mark("\ue000a<b>\ue001 \ue001x\ue000")
        == "<mark>a&lt;b&gt;</mark> x<mark></mark>"
    )
    assert search_query.clean_query("\ue000hi\x00 there\ue001") == "hi there"
    doc = services.clean_document({"title": "a\ue000b\x02c", "tags": ["x\ue001"]})
    assert doc == {"title": "abc", "tags": ["x"]}


@given(st.text(alphabet=st.sampled_from("ab<&\"' \ue000\ue001"), max_size=40))
def test_marking_in_one_pass_gives_what_marking_piece_by_piece_gives(text):
    assert search_query._mark(text) == search_query._mark_pieces(text)
