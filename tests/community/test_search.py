"""Topics reach the real Meilisearch through the outbox, under their category's audience."""

import pytest

from community import services
from community.models import Topic
from hub.search import client as search_client
from hub.search import query
from hub.search.services import outbox_drain, search_enqueue
from tests.community.conftest import make_topic


def _ids(user, q: str) -> set[str]:
    return {hit.url for hit in query.search(user, query=q).hits}


@pytest.mark.django_db
def test_topics_reach_the_index_and_respect_the_audience(forum, meilisearch):
    routers = make_topic(forum.routers, forum.anna, title="Quasar WAN flapping", body="Nightly")
    lounge = make_topic(forum.lounge, forum.clara, title="Quasar partner pricing", body="Secret")
    outbox_drain()
    assert _ids(forum.anna, "quasar") == {routers.get_absolute_url()}
    assert _ids(forum.clara, "quasar") == {lounge.get_absolute_url()}
    assert _ids(forum.maria, "quasar") == {routers.get_absolute_url(), lounge.get_absolute_url()}

    # A reply and an accepted answer reach the document through the outbox.
    answer = services.post_create(topic=routers, author=forum.aki, body="Zebulon firmware fix")
    services.topic_accept_answer(topic=routers, post=answer, by=forum.anna)
    outbox_drain()
    doc = search_client.index().get_document(f"topic-{routers.pk}")
    assert doc.solved is True and doc.answer_count == 1 and "Zebulon" in doc.body
    assert doc.products == ["router-r"] and doc.roles == []
    assert _ids(forum.anna, "zebulon") == {routers.get_absolute_url()}
    assert _ids(forum.clara, "zebulon") == set()

    # Hiding removes it from the index.
    Topic.objects.filter(pk=routers.pk).update(is_hidden=True)
    search_enqueue(Topic.objects.get(pk=routers.pk))
    outbox_drain()
    assert _ids(forum.maria, "quasar") == {lounge.get_absolute_url()}


@pytest.mark.django_db
def test_database_fallback_keeps_the_audience(forum):
    make_topic(forum.routers, forum.anna, title="Fallback router question")
    make_topic(forum.lounge, forum.clara, title="Fallback partner question")
    anna = {t.title for t in Topic.search_fallback(forum.anna, "fallback")}
    clara = {t.title for t in Topic.search_fallback(forum.clara, "fallback")}
    assert anna == {"Fallback router question"}
    assert clara == {"Fallback partner question"}
    hit = Topic.search_fallback(forum.anna, "fallback").first().search_hit()
    assert hit["url"].startswith("/community/t/")


@pytest.mark.django_db
def test_a_category_audience_change_reaches_its_topics(forum, meilisearch):
    topic = make_topic(forum.general, forum.anna, title="Quokka general question")
    outbox_drain()
    assert _ids(forum.clara, "quokka") == {topic.get_absolute_url()}
    forum.general.audience_products.set([forum.router])
    forum.general.save()
    assert services.category_reindex(category=forum.general) == 1
    outbox_drain()
    assert _ids(forum.clara, "quokka") == set()
    assert _ids(forum.anna, "quokka") == {topic.get_absolute_url()}
