"""Subscriptions: follow a section (new articles in it or below it) or an article (updates),
through CSRF-protected POSTs, only for pages the person may see; publishing notifies followers
who may see the article, never the editor, never anyone outside its audience. The telling
happens after commit (an outbox row and a task), each person in their own language, at a cost
that does not grow with the number of followers."""

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hub import taxonomy
from hub.models import Product, Region
from knowledge import services
from knowledge.models import ArticlePage, SectionPage, SubscriberNotice, Subscription
from notifications.models import Notification
from tests.factories import make_member
from tests.knowledge.conftest import add_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what the block queued for after commit (the delivery task)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


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


def test_a_new_article_notifies_section_followers_who_may_see_it(world, tree, committed):
    top, nested = tree
    aurora = world.anna.memberships.get().organisation
    anne = make_member(aurora, roles=[world.technician], email="anne@aurora.test")
    for person in (world.anna, world.clara, world.editor):
        Subscription.objects.create(user=person, page=top)
    Subscription.objects.create(user=anne, page=nested)

    article = _draft(nested, "Router reset", products=[world.router])
    with committed():
        article.save_revision(user=world.editor).publish(user=world.editor)

    told = Notification.objects.filter(kind="knowledge.published")
    assert sorted(n.recipient.email for n in told) == ["anna@aurora.test", "anne@aurora.test"]
    assert all(article.title in n.title and n.url == article.url for n in told)


def test_an_update_notifies_the_article_followers_only(world, tree, committed):
    top, _ = tree
    article = _draft(top, "Open guide")
    with committed():
        article.save_revision(user=world.editor).publish(user=world.editor)
    Subscription.objects.create(user=world.anna, page=article)
    Subscription.objects.create(user=world.clara, page=article)
    Subscription.objects.create(user=world.editor, page=article)
    Notification.objects.all().delete()

    article = ArticlePage.objects.get(pk=article.pk)
    article.summary = "Now with a summary"
    with committed():
        article.save_revision(user=world.editor).publish(user=world.editor)
    told = Notification.objects.filter(kind="knowledge.updated")
    assert sorted(n.recipient.email for n in told) == ["anna@aurora.test", "clara@berg.test"]

    # restricted to routers: Clara follows it but may no longer see it
    Notification.objects.all().delete()
    article = ArticlePage.objects.get(pk=article.pk)
    article.audience_products = [world.router]
    with committed():
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


# --- the outbox and its task -----------------------------------------------------------------


def test_nobody_is_told_before_commit_and_one_task_is_queued(
    world, tree, django_capture_on_commit_callbacks
):
    top, _ = tree
    Subscription.objects.create(user=world.anna, page=top)
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for title in ("First", "Second"):
            _draft(top, title).save_revision(user=world.editor).publish(user=world.editor)
    assert not Notification.objects.exists()
    assert SubscriberNotice.objects.count() == 2
    queued = [
        c
        for c in callbacks
        if getattr(c, "task_name", None) == "knowledge.tasks.deliver_subscriber_notices"
    ]
    assert len(queued) == 1  # one task per transaction, however many rows
    queued[0]()
    assert not SubscriberNotice.objects.exists()
    assert sorted(Notification.objects.values_list("title", flat=True)) == [
        "New article: First",
        "New article: Second",
    ]


def test_an_article_unpublished_before_delivery_is_told_to_nobody(world, tree):
    top, _ = tree
    Subscription.objects.create(user=world.anna, page=top)
    article = _draft(top, "Withdrawn")
    article.save_revision(user=world.editor).publish(user=world.editor)
    ArticlePage.objects.get(pk=article.pk).unpublish()
    assert services.subscriber_notices_deliver() == 1
    assert not Notification.objects.exists() and not SubscriberNotice.objects.exists()


def _followers(world, section, count: int) -> list:
    """`count` more of Anna's colleagues (who may see router content) following `section`."""
    aurora = world.anna.memberships.get().organisation
    people = [make_member(aurora, roles=[world.technician]) for _ in range(count)]
    Subscription.objects.bulk_create(Subscription(user=p, page=section) for p in people)
    return people


def _delivery_queries(world, section, title: str) -> int:
    """Queries of the task telling the followers of one new article (the reach cache cold, as
    after a restart; the taxonomy trees warmed, as every request shares them)."""
    article = _draft(section, title, products=[world.router])
    article.save_revision(user=world.editor).publish(user=world.editor)
    cache.clear()
    taxonomy.tree(Product), taxonomy.tree(Region)
    with CaptureQueriesContext(connection) as queries:
        assert services.subscriber_notices_deliver() == 1
    return len(queries)


def test_delivery_costs_the_same_for_3_and_30_subscribers(world, tree):
    top, _ = tree
    outsider = world.clara  # follows, but may not see router articles
    Subscription.objects.create(user=outsider, page=top)
    _followers(world, top, 3)
    few = _delivery_queries(world, top, "Router tips")
    assert Notification.objects.count() == 3
    _followers(world, top, 27)
    Notification.objects.all().delete()
    many = _delivery_queries(world, top, "Router tricks")
    assert Notification.objects.count() == 30
    assert few == many, (few, many)
    # The row (1), the article and its audience (4), the people (1), their reaches (4), the
    # site for the URL (1), notify: preferences and rows (2), the row deleted (1), the look for
    # the next row (1), and the savepoints of the transactions (6).
    assert many <= 21, many
    assert not Notification.objects.filter(recipient=outsider).exists()


def test_each_follower_reads_the_title_in_their_own_language(world, tree, committed):
    top, _ = tree
    world.anna.language = "fi"
    world.anna.save(update_fields=["language"])
    aurora = world.anna.memberships.get().organisation
    german = make_member(aurora, roles=[world.technician], email="greta@aurora.test")
    german.language = "de"
    german.save(update_fields=["language"])
    english = make_member(aurora, roles=[world.technician], email="eddie@aurora.test")
    for person in (world.anna, german, english, world.clara):
        Subscription.objects.create(user=person, page=top)
    article = _draft(top, "Router reset", products=[world.router])
    with committed():
        article.save_revision(user=world.editor).publish(user=world.editor)
    titles = dict(Notification.objects.values_list("recipient__email", "title"))
    assert titles == {
        "anna@aurora.test": "Uusi artikkeli: Router reset",
        "greta@aurora.test": "Neuer Artikel: Router reset",
        "eddie@aurora.test": "New article: Router reset",
    }  # and Clara, outside the article's audience, is not told


def test_a_failing_notice_stays_with_its_error_and_the_others_go_out(world, tree):
    top, _ = tree
    Subscription.objects.create(user=world.anna, page=top)
    broken = SubscriberNotice.objects.create(kind="knowledge.poll", page=top)
    _draft(top, "Fine").save_revision(user=world.editor).publish(user=world.editor)
    assert services.subscriber_notices_deliver() == 1
    assert list(Notification.objects.values_list("title", flat=True)) == ["New article: Fine"]
    broken.refresh_from_db()
    assert broken.attempts == 1 and "knowledge.poll" in broken.last_error
    assert list(SubscriberNotice.objects.all()) == [broken]
