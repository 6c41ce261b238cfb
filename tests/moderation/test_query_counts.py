"""The queue and the log run a fixed number of queries, however many flags and entries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community import services as community_services
from moderation import services
from tests.factories import make_member
from tests.moderation.conftest import make_topic

# Signed-in moderator: session + user (2), their permissions (2 for a group member).
# Queue: + the paginator's count and the page's groups (2), their posts and flags (2) = 8.
# Log: + the moderators for the filter (1), the paginator's count and rows (2) = 7.
MAX_QUERIES = {"queue": 8, "log": 7}


def _count(client, url) -> int:
    client.get(url)  # warm the caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def _flagged_posts(forum, mod, n: int):
    org = forum.anna.memberships.first().organisation
    flaggers = [make_member(org) for _ in range(2)]
    for i in range(n):
        topic = make_topic(forum.routers, forum.aki, title=f"Topic {i}")
        post = community_services.post_create(topic=topic, author=forum.aki, body=f"Spam {i}")
        for person in flaggers:
            services.flag_create(post=post, user=person, reason="spam", text=f"Ad {i}")
        services.topic_pin(topic=topic, by=mod)


@pytest.mark.django_db
def test_queue_and_log_query_counts_do_not_grow(
    client, forum, mod, settings, django_assert_max_num_queries
):
    settings.MODERATION_AUTO_HIDE_FLAGS = 0
    client.force_login(mod)
    counts = {"queue": [], "log": []}
    for total in (3, 30):
        _flagged_posts(forum, mod, total - (3 if total == 30 else 0))
        counts["queue"].append(_count(client, reverse("moderation:queue")))
        counts["log"].append(_count(client, reverse("moderation:log")))
    assert counts["queue"][0] == counts["queue"][1], counts
    assert counts["log"][0] == counts["log"][1], counts
    assert _count(client, reverse("moderation:queue") + "?page=2") == counts["queue"][1]
    with django_assert_max_num_queries(MAX_QUERIES["queue"]):
        client.get(reverse("moderation:queue"))
    with django_assert_max_num_queries(MAX_QUERIES["log"]):
        client.get(reverse("moderation:log") + "?action=topic_pin")
