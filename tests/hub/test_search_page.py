"""The search page: results under the person's audience, safe with hostile input, and a
database fallback when Meilisearch is away."""

import pytest

from hub.models import Product
from hub.search import services
from knowledge.models import ArticlePage, SectionPage
from knowledge.services import knowledge_root
from tests.factories import make_member, make_org


@pytest.fixture
def content(db):
    router = Product.objects.create(name="Router", slug="router")
    switch = Product.objects.create(name="Switch", slug="switch")
    section = knowledge_root().add_child(instance=SectionPage(title="Guides", slug="guides"))
    for slug, title, product in [
        ("open", "Firmware update for everyone", None),
        ("router", "Firmware update for routers", router),
        ("switch", "Firmware update for switches <script>alert(1)</script>", switch),
    ]:
        page = ArticlePage(title=title, slug=slug, summary=f"How to update {slug} firmware.")
        if product:
            page.audience_products = [product]
        section.add_child(instance=page).save_revision().publish()
    router_customer = make_member(make_org(products=[router]))
    return router_customer


def _titles(response) -> list[str]:
    return [hit.title for hit in response.context["results"].hits]


@pytest.mark.django_db
def test_results_respect_the_audience(client, content, meilisearch):
    services.outbox_drain()
    client.force_login(content)
    response = client.get("/search/", {"q": "firmwre"})  # a typo, forgiven
    assert response.status_code == 200
    assert sorted(_titles(response)) == [
        "Firmware update for everyone",
        "Firmware update for routers",
    ]
    assert response.context["results"].total == 2
    assert b"<mark>" in response.content


@pytest.mark.django_db
def test_fallback_to_the_database_when_meilisearch_is_down(client, content, meilisearch):
    client.force_login(content)
    meilisearch.stop()
    try:
        response = client.get("/search/", {"q": "firmware"})
    finally:
        meilisearch.start()
    assert response.status_code == 200
    assert response.context["results"].degraded
    assert b"simpler mode" in response.content
    assert sorted(_titles(response)) == [
        "Firmware update for everyone",
        "Firmware update for routers",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"q": "x" * 10_000},
        {"q": 'firmware" OR products IS EMPTY OR "'},
        {"q": "firmware", "page": "-5"},
        {"q": "firmware", "page": "banana"},
        {"q": "firmware", "page": "99999999999999999999"},
        {"q": "\x00\ufffd"},
        {"q": ""},
    ],
)
def test_hostile_input_gets_a_normal_page_and_never_a_wider_filter(
    client, content, meilisearch, params
):
    services.outbox_drain()
    client.force_login(content)
    response = client.get("/search/", params)
    assert response.status_code == 200
    assert "switches" not in " ".join(_titles(response))
    assert b"<script>alert(1)</script>" not in response.content
