"""Hidden and deleted content leaves the real search index through the outbox."""

import pytest

from community import services as community_services
from hub.search import query
from hub.search.services import outbox_drain
from moderation import services
from tests.moderation.conftest import make_topic


def _urls(user, q: str) -> set[str]:
    return {hit.url for hit in query.search(user, query=q).hits}


@pytest.mark.django_db
def test_hidden_posts_and_topics_leave_search(forum, mod, meilisearch):
    topic = make_topic(forum.routers, forum.anna, title="Router reboots", body="Nightly reboot")
    spam = community_services.post_create(topic=topic, author=forum.aki, body="Xylophone deals")
    outbox_drain()
    assert _urls(forum.anna, "xylophone") == {topic.get_absolute_url()}
    services.post_hide(post=spam, by=mod, reason="Spam")
    outbox_drain()
    assert _urls(forum.anna, "xylophone") == set()
    assert _urls(forum.anna, "reboots") == {topic.get_absolute_url()}
    services.post_hide(post=topic.first_post, by=mod, reason="Whole thread is spam")
    outbox_drain()
    assert _urls(forum.anna, "reboots") == set()
    assert _urls(mod, "reboots") == set()  # hidden topics are never in the index
    services.post_restore(post=topic.first_post, by=mod, reason="Fine after all")
    outbox_drain()
    assert _urls(forum.anna, "reboots") == {topic.get_absolute_url()}
