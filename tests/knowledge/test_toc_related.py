"""A table of contents for long articles (three headings or more, stable anchors) and related
articles (shared tags or products, only ones the reader may see, at most five, one query)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from knowledge import selectors
from knowledge.models import ArticlePage, SectionPage, heading_anchors
from tests.knowledge.conftest import add_page

pytestmark = pytest.mark.django_db


def _article(parent, title, *, headings=(), tags=(), **audience):
    body = []
    for heading in headings:
        body += [("heading", heading), ("paragraph", "<p>Text.</p>")]
    page = add_page(parent, ArticlePage, title=title, body=body, **audience)
    if tags:
        page.tags.add(*tags)
        page.save_revision().publish()
    return ArticlePage.objects.get(pk=page.pk)


def test_long_articles_get_a_table_of_contents_with_stable_anchors(client, world):
    section = add_page(world.root, SectionPage, title="Guides")
    article = _article(section, "Long", headings=["Install", "Configure", "Install", "Ünïcode ok"])
    client.force_login(world.anna)
    html = client.get(article.url).content.decode()
    assert "On this page" in html
    for anchor in ("install", "configure", "install-2", "unicode-ok"):
        assert f'href="#{anchor}"' in html and f'id="{anchor}"' in html
    # the same anchors on every render
    assert list(heading_anchors(article.body).values()) == [
        "install",
        "configure",
        "install-2",
        "unicode-ok",
    ]
    short = _article(section, "Short", headings=["One", "Two"])
    html = client.get(short.url).content.decode()
    assert "On this page" not in html and 'id="one"' in html


def _related(article, user):
    """The related articles as the page view asks for them (with the page's tags and products)."""
    return selectors.related_articles(
        page=article,
        user=user,
        tag_ids=[t.pk for t in article.tags.all()],
        product_ids=article.audience().products,
    )


def test_related_articles_share_tags_or_products_and_respect_the_audience(client, world):
    section = add_page(world.root, SectionPage, title="Guides")
    article = _article(section, "Main", tags=["vpn"], products=[world.router])
    by_tag = _article(section, "Also VPN", tags=["vpn"])
    by_product = _article(section, "Router thing", products=[world.router])
    _article(section, "Unrelated")
    hidden = _article(section, "VPN for partners", tags=["vpn"], roles=[world.partner])
    for i in range(7):
        _article(section, f"More VPN {i}", tags=["vpn"])

    related = _related(article, world.anna)
    titles = [p.title for p in related]
    assert len(titles) == 5 and hidden.title not in titles and "Unrelated" not in titles
    allowed = {by_tag.title, by_product.title} | {f"More VPN {i}" for i in range(7)}
    assert set(titles) <= allowed
    client.force_login(world.anna)
    html = client.get(article.url).content.decode()
    assert "Related articles" in html and "VPN for partners" not in html

    tag_ids, product_ids = [t.pk for t in article.tags.all()], article.audience().products
    with CaptureQueriesContext(connection) as queries:
        selectors.related_articles(
            page=article, user=world.anna, tag_ids=tag_ids, product_ids=product_ids
        )
    assert len(queries) == 1


def test_related_articles_by_product_alone(world):
    section = add_page(world.root, SectionPage, title="Guides")
    article = _article(section, "Main", products=[world.router])
    sibling = _article(section, "Router thing", products=[world.router])
    _article(section, "Switch thing", products=[world.switch])
    related = _related(article, world.anna)
    assert [p.pk for p in related] == [sibling.pk]
