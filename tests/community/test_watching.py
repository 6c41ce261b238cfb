"""Watching and @mentions: who is told (only people who may see the topic, never the actor),
through the notify API, with the forum's kinds."""

from django.urls import reverse

from community import services
from community.models import CategoryWatch, Handle, Topic, TopicWatch
from notifications.models import Notification
from tests.community.conftest import make_topic
from tests.factories import make_user


def _told(kind=None) -> set[tuple[str, str]]:
    qs = Notification.objects.all()
    if kind:
        qs = qs.filter(kind=kind)
    return {(n.recipient.email, n.kind) for n in qs.select_related("recipient")}


def test_posting_watches_the_topic_and_watchers_hear_of_replies(forum):
    topic = make_topic(forum.routers, forum.anna)
    assert TopicWatch.objects.filter(topic=topic, user=forum.anna, watching=True).exists()
    services.post_create(topic=topic, author=forum.aki, body="Try this")
    assert _told() == {("anna@aurora.test", "community.reply")}
    Notification.objects.all().delete()
    services.post_create(topic=topic, author=forum.anna, body="Thanks")
    # Aki now watches (he posted); Anna, the actor, is not told of her own reply.
    assert _told() == {("aki@aurora.test", "community.reply")}


def test_category_watchers_hear_of_new_topics_if_they_can_see_them(forum):
    services.category_watch_set(category=forum.general, user=forum.clara, watching=True)
    services.category_watch_set(category=forum.general, user=forum.aki, watching=True)
    make_topic(forum.general, forum.anna, title="Hello all")
    assert _told() == {
        ("clara@berg.test", "community.topic"),
        ("aki@aurora.test", "community.topic"),
    }
    # A watcher who cannot see the category (Clara, routers) is never told.
    services.category_watch_set(category=forum.routers, user=forum.clara, watching=True)
    Notification.objects.all().delete()
    make_topic(forum.routers, forum.anna, title="Routers only")
    assert _told() == set()


def test_stop_watching_a_topic_silences_its_watched_category(forum):
    services.category_watch_set(category=forum.routers, user=forum.aki, watching=True)
    topic = make_topic(forum.routers, forum.anna)
    Notification.objects.all().delete()
    services.topic_watch_set(topic=topic, user=forum.aki, watching=False)
    services.post_create(topic=topic, author=forum.maria, body="Reply")
    assert _told() == {("anna@aurora.test", "community.reply")}


def test_accepted_answer_tells_watchers_and_the_answerer_not_the_acceptor(forum):
    topic = make_topic(forum.routers, forum.anna)
    answer = services.post_create(topic=topic, author=forum.aki, body="Answer")
    services.topic_watch_set(topic=topic, user=forum.aki, watching=False)
    Notification.objects.all().delete()
    services.topic_accept_answer(topic=topic, post=answer, by=forum.anna)
    assert _told() == {("aki@aurora.test", "community.accepted")}
    n = Notification.objects.get()
    assert n.url == f"{topic.get_absolute_url()}#post-{answer.pk}"


def test_hidden_topic_notifies_staff_watchers_only(forum):
    topic = make_topic(forum.routers, forum.anna)
    services.topic_watch_set(topic=topic, user=forum.maria, watching=True)
    Topic.objects.filter(pk=topic.pk).update(is_hidden=True)
    topic.refresh_from_db()
    Notification.objects.all().delete()
    services.post_create(topic=topic, author=forum.aki, body="Still here?")
    assert _told() == {("maria@kumppani.test", "community.reply")}


def test_mentions_link_and_notify_only_people_who_can_see_the_topic(forum):
    topic = make_topic(forum.routers, forum.anna)
    post = services.post_create(
        topic=topic, author=forum.maria, body="@aki and @clara, and `@anna` in code"
    )
    assert 'href="/community/latest/?author=aki"' in post.html
    assert "?author=clara" not in post.html and "@clara" in post.html  # cannot see routers
    assert _told("community.mention") == {("aki@aurora.test", "community.mention")}
    # Anna watches (she asked) and is told of the reply; Aki is told once, as a mention.
    assert _told("community.reply") == {("anna@aurora.test", "community.reply")}


def test_handles_are_unique_and_an_ambiguous_local_part_names_nobody(forum):
    twin = make_user(email="aki@elsewhere.test")
    assert not Handle.objects.exists()
    topic = make_topic(forum.general, forum.anna, body="Hello @aki")
    assert "?author=aki" not in topic.first_post.html  # two people are "aki"
    assert services.handle_for(forum.aki) == "aki"
    assert services.handle_for(twin) == "aki2"
    post = services.post_create(topic=topic, author=forum.anna, body="Hello @aki2")
    assert "?author=aki2" in post.html


def test_an_edit_tells_only_the_newly_mentioned(forum):
    services.handle_for(forum.aki)
    services.handle_for(forum.maria)
    topic = make_topic(forum.routers, forum.anna, body="ping @aki")
    Notification.objects.all().delete()
    services.post_edit(post=topic.first_post, by=forum.anna, body="ping @aki and @maria")
    assert _told() == {("maria@kumppani.test", "community.mention")}


def test_watch_views_are_posts_with_checks(client, forum):
    topic = make_topic(forum.routers, forum.aki)
    client.force_login(forum.anna)
    url = reverse("community:watch_topic", args=[topic.pk])
    assert client.get(url).status_code == 405
    client.post(url, {"watch": "1"})
    assert TopicWatch.objects.get(topic=topic, user=forum.anna).watching
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "Stop watching" in page
    client.post(url, {"watch": "0"})
    assert not TopicWatch.objects.get(topic=topic, user=forum.anna).watching
    client.post(reverse("community:watch_category", args=["routers"]), {"watch": "1"})
    assert CategoryWatch.objects.filter(user=forum.anna, category=forum.routers).exists()
    # Outside the audience: not found, nothing stored.
    lounge_topic = make_topic(forum.lounge, forum.clara)
    assert (
        client.post(
            reverse("community:watch_category", args=["partner-lounge"]), {"watch": "1"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("community:watch_topic", args=[lounge_topic.pk]), {"watch": "1"}
        ).status_code
        == 404
    )
    assert not CategoryWatch.objects.filter(user=forum.anna, category=forum.lounge).exists()
