"""While a person types a subject: articles and solved questions they may see, from the real
Meilisearch under their audience, and from the database when Meilisearch is down."""

import pytest

from community import services as community
from knowledge.models import ArticlePage
from knowledge.services import knowledge_root
from tests.community.conftest import make_category, make_topic
from tests.knowledge.conftest import add_page


@pytest.fixture
def content(anna, clara, aki, router, switch):
    """For routers: an article, a solved and an unsolved question; for switches: an article."""
    root = knowledge_root()
    router_article = add_page(
        root, ArticlePage, title="Flux capacitor reset on routers", products=[router]
    )
    switch_article = add_page(
        root, ArticlePage, title="Flux capacitor on switches", products=[switch]
    )
    for page in (router_article, switch_article):
        page.save_revision().publish()
    routers = make_category("routers", products=[router])
    solved = make_topic(routers, anna, title="Flux capacitor blinks red")
    answer = community.post_create(topic=solved, author=aki, body="Replace the fuse.")
    community.topic_accept_answer(topic=solved, post=answer, by=anna)
    unsolved = make_topic(routers, anna, title="Flux capacitor hums")
    return {
        "router_article": router_article.url,
        "switch_article": switch_article.url,
        "solved": solved.get_absolute_url(),
        "unsolved": unsolved.get_absolute_url(),
    }


def _urls(html: str, content: dict) -> set[str]:
    return {name for name, url in content.items() if f'href="{url}"' in html}


@pytest.mark.django_db
def test_suggestions_from_meilisearch_under_the_audience(client, anna, clara, content, meilisearch):
    from hub.search.services import outbox_drain

    outbox_drain()
    client.force_login(anna)
    html = client.get("/account/support/suggest/", {"subject": "flux capacitor"}).content.decode()
    assert _urls(html, content) == {"router_article", "solved"}
    assert "Solved question" in html and "simplified mode" not in html
    client.force_login(clara)
    html = client.get("/account/support/suggest/", {"subject": "flux capacitor"}).content.decode()
    assert _urls(html, content) == {"switch_article"}
    html = client.get("/account/support/suggest/", {"subject": "zz"}).content.decode()
    assert html.strip() == ""  # too short to ask
    html = client.get("/account/support/suggest/", {"subject": "qwxyzzy"}).content.decode()
    assert "No matching articles" in html


@pytest.mark.django_db
def test_database_fallback_when_meilisearch_is_down(client, anna, clara, content, settings):
    settings.MEILISEARCH_URL = "http://127.0.0.1:9"  # the discard port: nothing answers
    client.force_login(anna)
    response = client.get("/account/support/suggest/", {"subject": "the flux capacitor"})
    assert response.status_code == 200
    html = response.content.decode()
    assert _urls(html, content) == {"router_article", "solved"}
    assert "simplified mode" in html
    client.force_login(clara)
    html = client.get("/account/support/suggest/", {"subject": "flux"}).content.decode()
    assert _urls(html, content) == {"switch_article"}
