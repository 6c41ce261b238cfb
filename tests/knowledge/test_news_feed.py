"""News: the list shows a reader's news a page at a time; the private feed needs no sign-in but
a valid token, and shows exactly the news of the person the token was made for."""

import datetime

import pytest

from knowledge.feeds import feed_token_for, feed_url_for
from knowledge.models import NewsIndexPage, NewsPage
from tests.knowledge.conftest import add_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def news(world):
    index = add_page(world.root, NewsIndexPage, title="News")
    day = datetime.date(2027, 1, 1)
    add_page(index, NewsPage, title="For everyone", date=day, summary="All customers.")
    add_page(index, NewsPage, title="Router firmware", date=day, products=[world.router])
    add_page(index, NewsPage, title="Switch recall", date=day, products=[world.switch])
    add_page(index, NewsPage, title="Unpublished", date=day, live=False)
    return index


def test_news_list_is_filtered_and_paginated(client, world, news):
    client.force_login(world.anna)
    html = client.get(news.url).content.decode()
    assert "For everyone" in html and "Router firmware" in html
    assert "Switch recall" not in html and "Unpublished" not in html
    assert feed_url_for(world.anna) in html  # "your private feed link"
    for i in range(25):
        add_page(news, NewsPage, title=f"Item {i:02d}", date=datetime.date(2026, 1, 1 + i))
    first = client.get(news.url).content.decode()
    second = client.get(news.url, {"page": 2}).content.decode()
    assert 'rel="next"' in first and 'rel="prev"' in second
    assert "Item 24" in first and "Item 00" in second and "Item 00" not in first


def test_feed_shows_only_the_token_owners_news(client, world, news):
    client.logout()  # a feed reader has no session
    for person, mine, not_mine in (
        (world.anna, "Router firmware", "Switch recall"),
        (world.clara, "Switch recall", "Router firmware"),
    ):
        response = client.get(feed_url_for(person))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/atom+xml")
        body = response.content.decode()
        assert mine in body and "For everyone" in body
        assert not_mine not in body and "Unpublished" not in body


def test_feed_refuses_invalid_tokens(client, world, news):
    client.logout()
    good = feed_token_for(world.anna)
    for token in ("nonsense", good[:-2] + "xx", f"{world.anna.pk}"):
        assert client.get(f"/knowledge-hub/feeds/news/{token}/").status_code == 404
    world.anna.is_active = False
    world.anna.save(update_fields=["is_active"])
    assert client.get(f"/knowledge-hub/feeds/news/{good}/").status_code == 404
