"""Subscriptions: follow a section (new articles in it or below it) or an article (updates),
through CSRF-protected POSTs, only for pages the person may see; publishing notifies followers
who may see the article, never the editor, never anyone outside its audience."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from knowledge.models import ArticlePage, SectionPage, Subscription
from notifications.models import Notification
from tests.factories import make_member
from tests.knowledge.conftest import add_page

pytestmark = pytest.mark.django_db


def _url(page):
    return f"/knowledge-hub/pages/{page.pk}/subscription/"


@pytest.fixture
def tree(world):
    top = add_page(world.root, SectionPage, title="Guides")
    nested = add_page(top, SectionPage, title="Nested")
    return top, nested


def _draft(parent, title, *, products=()):
    page = ArticlePage(title=title, slug=title.lower().replace(" ", "-"), live=False)
    page.audience_products = list(products)
    parent.add_child(instance=page)
    return ArticlePage.objects.get(pk=page.pk)


def test_subscribe_and_unsubscribe(client, world, tree):
    top, _nested = tree
    client.force_login(world.anna)
    response = client.post(_url(top), {"subscribed": "1"})
    assert response.status_code == 302 and response["Location"] == top.url
    assert Subscription.objects.filter(user=world.anna, page=top).exists()
    html = client.get(top.url).content.decode()
    assert "You follow this page." in html
    listing = client.get("/knowledge-hub/subscriptions/").content.decode()
    assert "Guides" in listing
    client.post(_url(top), {"subscribed": "0", "next": "/knowledge-hub/subscriptions/"})
    assert not Subscription.objects.exists()
    assert "do not follow any" in client.get("/knowledge-hub/subscriptions/").content.decode()


def test_subscribing_needs_post_csrf_and_the_audience(world, tree):
    top, _ = tree
    restricted = add_page(world.root, SectionPage, title="Switches", products=[world.switch])
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.anna)
    assert strict.post(_url(top)).status_code == 403
    client = Client()
    client.force_login(world.anna)
    assert client.get(_url(top)).status_code == 405
    assert client.post(_url(restricted)).status_code == 404
    assert client.post(_url(world.root)).status_code == 404
    assert client.post("/knowledge-hub/pages/999999/subscription/").status_code == 404
    assert not Subscription.objects.exists()


def test_the_next_address_cannot_leave_the_site(client, world, tree):
    top, _ = tree
    client.force_login(world.anna)
    response = client.post(_url(top), {"next": "https://evil.example/"})
    assert response["Location"] == top.url


def test_a_new_article_notifies_section_followers_who_may_see_it(world, tree):
    top, nested = tree
    aurora = world.anna.memberships.get().organisation
    anne = make_member(aurora, roles=[world.technician], email="anne@aurora.test")
    for person in (world.anna, world.clara, world.editor):
        Subscription.objects.create(user=person, page=top)
    Subscription.objects.create(user=anne, page=nested)

    article = _draft(nested, "Router reset", products=[world.router])
    article.save_revision(user=world.editor).publish(user=world.editor)

    told = Notification.objects.filter(kind="knowledge.published")
    assert sorted(n.recipient.email for n in told) == ["anna@aurora.test", "anne@aurora.test"]
    assert all(article.title in n.title and n.url == article.url for n in told)


def test_an_update_notifies_the_article_followers_only(world, tree):
    top, _ = tree
    article = _draft(top, "Open guide")
    article.save_revision(user=world.editor).publish(user=world.editor)
    Subscription.objects.create(user=world.anna, page=article)
    Subscription.objects.create(user=world.clara, page=article)
    Subscription.objects.create(user=world.editor, page=article)
    Notification.objects.all().delete()

    article = ArticlePage.objects.get(pk=article.pk)
    article.summary = "Now with a summary"
    article.save_revision(user=world.editor).publish(user=world.editor)
    told = Notification.objects.filter(kind="knowledge.updated")
    assert sorted(n.recipient.email for n in told) == ["anna@aurora.test", "clara@berg.test"]

    # restricted to routers: Clara follows it but may no longer see it
    Notification.objects.all().delete()
    article = ArticlePage.objects.get(pk=article.pk)
    article.audience_products = [world.router]
    article.save_revision(user=world.editor).publish(user=world.editor)
    told = Notification.objects.filter(kind="knowledge.updated")
    assert [n.recipient.email for n in told] == ["anna@aurora.test"]


def test_subscriptions_page_hides_pages_the_person_can_no_longer_see(client, world, tree):
    top, _ = tree
    Subscription.objects.create(user=world.clara, page=top)
    client.force_login(world.clara)
    assert "Guides" in client.get("/knowledge-hub/subscriptions/").content.decode()
    top.audience_products = [world.router]
    top.save_revision(user=world.editor).publish()
    assert "Guides" not in client.get("/knowledge-hub/subscriptions/").content.decode()


def test_subscriptions_page_query_count_does_not_grow(
    client, world, tree, django_assert_max_num_queries
):
    _top, nested = tree
    client.force_login(world.anna)
    counts = []
    for size in (1, 6):
        for i in range(size):
            page = add_page(nested, ArticlePage, title=f"Followed {size}-{i}")
            Subscription.objects.create(user=world.anna, page=page)
        client.get("/knowledge-hub/subscriptions/")
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/knowledge-hub/subscriptions/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    # session, user, the count and the page of subscriptions (pages and their types joined)
    with django_assert_max_num_queries(8):
        client.get("/knowledge-hub/subscriptions/")
