"""No page or document is reachable by a person outside its audience: not by URL, not in a
listing, not as a related link. Every page type, both ways (Anna in, Clara out)."""

import datetime

import pytest

from knowledge.models import (
    ArticlePage,
    DocumentLibraryPage,
    NewsIndexPage,
    NewsPage,
    SectionPage,
)
from tests.knowledge.conftest import add_document, add_page

pytestmark = pytest.mark.django_db


def _restricted_pages(world):
    """One page of every type, each restricted to routers (Anna's product, not Clara's)."""
    r = [world.router]
    open_section = add_page(world.root, SectionPage, title="Open")
    section = add_page(world.root, SectionPage, title="Routers", products=r)
    news_index = add_page(world.root, NewsIndexPage, title="News")
    library = add_page(world.root, DocumentLibraryPage, title="Router documents", products=r)
    return {
        "section": section,
        "article": add_page(open_section, ArticlePage, title="Router setup", products=r),
        "news index": add_page(world.root, NewsIndexPage, title="Router news", products=r),
        "news": add_page(
            news_index, NewsPage, title="R firmware", date=datetime.date(2027, 1, 5), products=r
        ),
        "document library": library,
    }


@pytest.mark.parametrize("kind", ["section", "article", "news index", "news", "document library"])
def test_every_page_type_is_served_only_to_its_audience(client, world, kind):
    page = _restricted_pages(world)[kind]
    client.force_login(world.anna)
    assert client.get(page.url).status_code == 200
    client.force_login(world.clara)
    assert client.get(page.url).status_code == 404
    client.logout()
    assert client.get(page.url).status_code == 302  # to the sign-in, never the page


def test_restricted_pages_are_absent_from_every_listing(client, world):
    pages = _restricted_pages(world)
    parent_urls = {
        "section": world.root.url,
        "article": pages["article"].get_parent().url,
        "news": pages["news"].get_parent().url,
        "news index": world.root.url,
        "document library": world.root.url,
    }
    for person, present in ((world.anna, True), (world.clara, False)):
        client.force_login(person)
        for kind, url in parent_urls.items():
            html = client.get(url).content.decode()
            assert (pages[kind].title in html) is present, (person, kind)


def test_an_article_inherits_its_sections_audience(client, world):
    section = add_page(world.root, SectionPage, title="Routers", products=[world.router])
    article = add_page(section, ArticlePage, title="No audience of its own")
    client.force_login(world.clara)
    assert client.get(article.url).status_code == 404
    assert "No audience of its own" not in client.get(section.url).content.decode()
    client.force_login(world.anna)
    assert client.get(article.url).status_code == 200


def test_related_links_show_only_what_the_reader_may_see(client, world):
    section = add_page(world.root, SectionPage, title="Open")
    hidden = add_page(section, ArticlePage, title="Router secrets", products=[world.router])
    doc = add_document("Router manual", products=[world.router])
    article = add_page(
        section,
        ArticlePage,
        title="For everyone",
        body=[("related_article", hidden), ("document", doc)],
    )
    client.force_login(world.anna)
    html = client.get(article.url).content.decode()
    assert "Router secrets" in html and "Router manual" in html and doc.url in html
    client.force_login(world.clara)
    html = client.get(article.url).content.decode()
    assert "Router secrets" not in html and "Router manual" not in html
    assert doc.url not in html and hidden.url not in html


def test_drafts_are_for_editors_only(client, world):
    section = add_page(world.root, SectionPage, title="Open")
    draft = add_page(section, ArticlePage, title="Draft", live=False)
    client.force_login(world.anna)
    assert client.get(draft.url).status_code == 404
    assert "Draft" not in client.get(section.url).content.decode()
