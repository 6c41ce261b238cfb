"""Forum pages run a fixed number of SQL queries, however many topics and posts there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community import services
from community.models import Category
from tests.community.conftest import make_category, make_topic

# Signed-in page: session + user (2), the reach (memberships, products, regions, roles: 4).
# Index: + the categories with their topic counts (1) = 7.
# Category: + the category (1) and its audience (3), the page's rows (1: keyset pagination, no
# COUNT), the pinned topics (1, first page only) and whether the person watches it (1) = 13.
# Topic: + the topic (1, with the person's bookmark and watch state as annotations), its
# category audience and tags (4), the replies' count and rows (2), the person's votes and likes
# on the page (2). Cap unchanged at 14: the page stays within it.
MAX_QUERIES = {"index": 7, "category": 13, "topic": 14}


def _count(client, url) -> int:
    client.get(url)  # warm the shared caches (taxonomy trees)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.django_db
def test_index_query_count_does_not_grow(client, forum, django_assert_max_num_queries):
    client.force_login(forum.anna)
    url = reverse("community:index")
    small = _count(client, url)
    for i in range(10):
        make_category(f"extra-{i}", products=[forum.router])
        make_topic(Category.objects.get(slug=f"extra-{i}"), forum.anna)
    assert _count(client, url) == small
    with django_assert_max_num_queries(MAX_QUERIES["index"]):
        client.get(url)


@pytest.mark.django_db
def test_category_query_count_does_not_grow(client, forum, django_assert_max_num_queries):
    client.force_login(forum.anna)
    url = reverse("community:category", args=["routers"])
    counts = []
    for total in (5, 50):
        while forum.routers.topics.count() < total:
            make_topic(forum.routers, forum.aki, title=f"T{forum.routers.topics.count()}")
        counts.append(_count(client, url))
    assert counts[0] == counts[1], counts
    assert _count(client, url + "?page=2") == counts[1]
    with django_assert_max_num_queries(MAX_QUERIES["category"]):
        client.get(url)


@pytest.mark.django_db
def test_topic_query_count_does_not_grow(client, forum, django_assert_max_num_queries):
    topic = make_topic(forum.routers, forum.anna, tags=["wan", "vpn"])
    client.force_login(forum.anna)
    counts = []
    for total in (5, 60):
        while topic.reply_count < total:
            author = (forum.aki, forum.maria)[topic.reply_count % 2]
            post = services.post_create(
                topic=topic, author=author, body=f"Reply {topic.reply_count}"
            )
            if topic.reply_count == 3:
                services.topic_accept_answer(topic=topic, post=post, by=forum.anna)
                services.post_vote(post=post, user=forum.anna, value=1)
        counts.append(_count(client, topic.get_absolute_url()))
    assert counts[0] == counts[1], counts
    assert _count(client, topic.get_absolute_url() + "?page=3") == counts[1]
    with django_assert_max_num_queries(MAX_QUERIES["topic"]):
        client.get(topic.get_absolute_url())
