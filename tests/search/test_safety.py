"""Two people of different reach: hits, totals, facet counts, snippets, suggestions and the
JSON API never reveal what one may not see; hostile input never widens the filter or fails;
with Meilisearch away the page falls back to the database and the outbox catches up."""

import meilisearch as meilisearch_lib
import pytest
from django.urls import reverse

from hub.search import client as search_client
from tests.search.conftest import CLARA_ONLY_WORDS, titles

pytestmark = pytest.mark.django_db

ANNA_MUST_NOT_SEE = {
    "Switch firmware zebrafirmware plan",
    "Partner firmware price list",
    "Switch firmware in Germany",
}
CLARA_MUST_NOT_SEE = {
    "Router firmware rollback",
    "R100 firmware notes",
    "Router firmware and Finnish operators",
    "Router diagnostics for technicians",
}


def _no_leak(text: str, q: str = "") -> None:
    """None of Clara's words on Anna's page, except where the page echoes Anna's own query."""
    lowered = text.lower()
    for word in CLARA_ONLY_WORDS:
        if word not in q.lower():
            assert word not in lowered, word


@pytest.mark.parametrize(
    "q", ["firmware", "quokka", "zebrafirmware", "zebrafirmwar", "partner price", "switch"]
)
def test_anna_never_sees_claras_content_anywhere(client, world, q):
    client.force_login(world.anna)
    for params in ({"q": q}, {"q": q, "product": "switch"}, {"q": q, "role": "partner"}):
        response = client.get("/search/", params)
        assert response.status_code == 200
        assert not set(titles(response)) & ANNA_MUST_NOT_SEE
        results = response.context["results"]
        for facet in results.facets:
            for value in facet.values:
                # A chosen value is shown (with 0), never with a count from hidden content.
                if value.value in {"switch", "partner", "germany", "dach"}:
                    assert value.count == 0 and value.selected
        _no_leak(response.content.decode(), q)
        assert results.total == len(results.hits)
    response = client.get(reverse("search:suggest"), {"q": q})
    assert response.status_code == 200
    _no_leak(response.content.decode(), q)
    response = client.get("/api/v1/search", {"q": q})
    assert response.status_code == 200
    _no_leak(response.content.decode(), q)


def test_the_two_people_see_different_hits_and_counts(client, world):
    client.force_login(world.anna)
    anna = client.get("/search/", {"q": "firmware"}).context["results"]
    client.force_login(world.clara)
    clara = client.get("/search/", {"q": "firmware"}).context["results"]
    assert {h.title for h in clara.hits} == {
        "Firmware update for every device",
        *ANNA_MUST_NOT_SEE,
    }
    assert not {h.title for h in clara.hits} & CLARA_MUST_NOT_SEE
    assert (anna.total, clara.total) == (4, 4)
    anna_products = {v.value: v.count for f in anna.facets if f.name == "product" for v in f.values}
    clara_products = {
        v.value: v.count for f in clara.facets if f.name == "product" for v in f.values
    }
    assert anna_products == {"router": 2, "r100": 1}
    assert clara_products == {"switch": 3}


def test_the_click_through_never_redirects_to_hidden_or_foreign_urls(client, world):
    hidden = world.articles["Partner firmware price list"]
    client.force_login(world.anna)
    response = client.get(reverse("search:go"), {"id": f"article-{hidden.pk}", "q": "x"})
    assert response.status_code == 302 and response["Location"].startswith("/search/")
    response = client.get(reverse("search:go"), {"id": 'a" OR id EXISTS', "q": "x"})
    assert response["Location"].startswith("/search/")
    visible = world.articles["Router firmware rollback"]
    response = client.get(
        reverse("search:go"), {"id": f"article-{visible.pk}", "q": "rollback", "pos": "2"}
    )
    assert response.status_code == 302 and response["Location"] == visible.url


HOSTILE = [
    {"q": "x" * 10_000},
    {"q": '" OR 1=1'},
    {"q": 'firmware" OR products IS EMPTY OR "'},
    {"q": "firmware\\", "product": "\\"},
    {"q": "firmware", "product": 'switch"] OR type EXISTS OR products IN ["'},
    {"q": "firmware", "region": "(germany)", "role": "partner OR 1=1"},
    {"q": "firmware", "type": "article OR id EXISTS"},
    {"q": "firmware", "product": ["x"] * 200},
    {"q": "firmware", "page": "-5"},
    {"q": "firmware", "page": "0"},
    {"q": "firmware", "page": "banana"},
    {"q": "firmware", "page": "99999999999999999999999"},
    {"q": "firmware", "page": "1e9"},
    {"q": "firmware", "sort": "published_at:asc"},
    {"q": "\x00\ufffd\ue000"},
    {"q": "'; DROP TABLE search_core_indexoutbox; --"},
    {"q": "<script>alert(1)</script>"},
]


@pytest.mark.parametrize("params", HOSTILE)
def test_hostile_input_gets_a_normal_page_never_wider(client, world, params):
    client.force_login(world.anna)
    response = client.get("/search/", params)
    assert response.status_code == 200
    assert not set(titles(response)) & ANNA_MUST_NOT_SEE
    _no_leak(response.content.decode(), params["q"])
    assert b"<script>alert(1)</script>" not in response.content
    assert response.context["results"].total <= 6  # Anna may see six articles in all
    api = client.get("/api/v1/search", params)
    assert api.status_code == 200
    _no_leak(api.content.decode(), params["q"])
    suggest = client.get(reverse("search:suggest"), {"q": params["q"]})
    assert suggest.status_code == 200
    _no_leak(suggest.content.decode(), params["q"])


def test_tenant_token_carries_the_audience_even_with_the_clients_own_filter(client, world):
    client.force_login(world.anna)
    response = client.get("/api/v1/search/token")
    assert response.status_code == 200
    data = response.json()
    assert data["index"] == search_client.index_uid()
    direct = meilisearch_lib.Client(data["url"], data["token"])
    index = direct.index(data["index"])
    hits = index.search("firmware", {"limit": 100})["hits"]
    assert {h["title"] for h in hits} and not {h["title"] for h in hits} & ANNA_MUST_NOT_SEE
    for own_filter in ('products IN ["switch"]', "products IS EMPTY OR NOT products IS EMPTY"):
        hits = index.search("", {"filter": own_filter, "limit": 100})["hits"]
        assert not {h["title"] for h in hits} & ANNA_MUST_NOT_SEE
    facets = index.search("", {"facets": ["products", "roles"]})["facetDistribution"]
    assert "switch" not in facets.get("products", {})
    assert "partner" not in facets.get("roles", {})
    # The token cannot write, and it is not the master key.
    with pytest.raises(meilisearch_lib.errors.MeilisearchApiError):
        index.add_documents([{"id": "evil", "title": "x"}])
    with pytest.raises(meilisearch_lib.errors.MeilisearchApiError):
        direct.index("some_other_index").search("")
    assert data["token"].count(".") == 2  # a JWT
    # Not signed in: no token.
    client.logout()
    assert client.get("/api/v1/search/token").status_code == 401
