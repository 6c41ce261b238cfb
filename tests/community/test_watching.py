"""Watching and @mentions: who is told (only people who may see the topic, never the actor),
through the notify API, with the forum's kinds. The telling happens after commit (an outbox
row and a task), so these tests run the commit callbacks."""

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Organisation
from community import services
from community.models import Announcement, Category, CategoryWatch, Handle, Topic, TopicWatch
from hub import taxonomy
from hub.models import Product, Region
from notifications.models import Notification
from tests.community.conftest import make_topic
from tests.factories import make_member, make_user

ANNOUNCE_TASK = "community.tasks.deliver_announcements"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what the block queued for after commit (the delivery task)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _told(kind=None) -> set[tuple[str, str]]:
    qs = Notification.objects.all()
    if kind:
        qs = qs.filter(kind=kind)
    return {(n.recipient.email, n.kind) for n in qs.select_related("recipient")}


def test_posting_watches_the_topic_and_watchers_hear_of_replies(forum, committed):
    with committed():
        topic = make_topic(forum.routers, forum.anna)
    assert TopicWatch.objects.filter(topic=topic, user=forum.anna, watching=True).exists()
    with committed():
        services.post_create(topic=topic, author=forum.aki, body="Try this")
    assert _told() == {("anna@aurora.test", "community.reply")}
    Notification.objects.all().delete()
    with committed():
        services.post_create(topic=topic, author=forum.anna, body="Thanks")
    # Aki now watches (he posted); Anna, the actor, is not told of her own reply.
    assert _told() == {("aki@aurora.test", "community.reply")}
    assert not Announcement.objects.exists()  # delivered rows are gone


def test_nothing_is_told_before_commit(forum, django_capture_on_commit_callbacks):
    services.category_watch_set(category=forum.general, user=forum.aki, watching=True)
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        topic = make_topic(forum.general, forum.anna)
        services.post_create(topic=topic, author=forum.maria, body="One")
        services.post_create(topic=topic, author=forum.maria, body="Two")
    assert not Notification.objects.exists()
    assert Announcement.objects.count() == 3
    queued = [c for c in callbacks if getattr(c, "task_name", None) == ANNOUNCE_TASK]
    assert len(queued) == 1  # one task per transaction, however many rows
    queued[0]()
    assert not Announcement.objects.exists()
    assert Notification.objects.filter(recipient=forum.aki).count() == 3


def test_category_watchers_hear_of_new_topics_if_they_can_see_them(forum, committed):
    services.category_watch_set(category=forum.general, user=forum.clara, watching=True)
    services.category_watch_set(category=forum.general, user=forum.aki, watching=True)
    with committed():
        make_topic(forum.general, forum.anna, title="Hello all")
    assert _told() == {
        ("clara@berg.test", "community.topic"),
        ("aki@aurora.test", "community.topic"),
    }
    # A watcher who cannot see the category (Clara, routers) is never told.
    services.category_watch_set(category=forum.routers, user=forum.clara, watching=True)
    Notification.objects.all().delete()
    with committed():
        make_topic(forum.routers, forum.anna, title="Routers only")
    assert _told() == set()


def test_stop_watching_a_topic_silences_its_watched_category(forum, committed):
    services.category_watch_set(category=forum.routers, user=forum.aki, watching=True)
    with committed():
        topic = make_topic(forum.routers, forum.anna)
    Notification.objects.all().delete()
    services.topic_watch_set(topic=topic, user=forum.aki, watching=False)
    with committed():
        services.post_create(topic=topic, author=forum.maria, body="Reply")
    assert _told() == {("anna@aurora.test", "community.reply")}


def test_accepted_answer_tells_watchers_and_the_answerer_not_the_acceptor(forum, committed):
    with committed():
        topic = make_topic(forum.routers, forum.anna)
        answer = services.post_create(topic=topic, author=forum.aki, body="Answer")
    services.topic_watch_set(topic=topic, user=forum.aki, watching=False)
    Notification.objects.all().delete()
    with committed():
        services.topic_accept_answer(topic=topic, post=answer, by=forum.anna)
    assert _told() == {("aki@aurora.test", "community.accepted")}
    n = Notification.objects.get()
    assert n.url == f"{topic.get_absolute_url()}#post-{answer.pk}"


def test_hidden_topic_notifies_staff_watchers_only(forum, committed):
    with committed():
        topic = make_topic(forum.routers, forum.anna)
    services.topic_watch_set(topic=topic, user=forum.maria, watching=True)
    Topic.objects.filter(pk=topic.pk).update(is_hidden=True)
    topic.refresh_from_db()
    with committed():
        services.post_create(topic=topic, author=forum.aki, body="Still here?")
    assert _told() == {("maria@kumppani.test", "community.reply")}


def test_a_topic_hidden_before_delivery_is_told_to_staff_only(forum, committed):
    topic = make_topic(forum.routers, forum.anna)
    services.topic_watch_set(topic=topic, user=forum.maria, watching=True)
    services.post_create(topic=topic, author=forum.aki, body="Hello?")
    # A moderator hides the topic before the task runs: Anna may no longer see it.
    Topic.objects.filter(pk=topic.pk).update(is_hidden=True)
    services.announcements_deliver()
    assert _told() == {("maria@kumppani.test", "community.reply")}
    assert not Announcement.objects.exists()


def test_mentions_link_and_notify_only_people_who_can_see_the_topic(forum, committed):
    with committed():
        topic = make_topic(forum.routers, forum.anna)
    with committed():
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


def test_an_edit_tells_only_the_newly_mentioned(forum, committed):
    services.handle_for(forum.aki)
    services.handle_for(forum.maria)
    with committed():
        topic = make_topic(forum.routers, forum.anna, body="ping @aki")
    assert _told() == {("aki@aurora.test", "community.mention")}
    Notification.objects.all().delete()
    with committed():
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


# --- the outbox and its task -----------------------------------------------------------------


def _routers_watchers(count: int) -> list:
    """`count` more of Anna's colleagues (who may see Routers) watching the category."""
    aurora = Organisation.objects.get(name="Aurora Oy")
    people = [make_member(aurora) for _ in range(count)]
    routers = Category.objects.get(slug="routers")
    for person in people:
        services.category_watch_set(category=routers, user=person, watching=True)
    return people


def _delivery_queries(topic, author) -> int:
    """Queries of the task delivering one reply (the reach cache and trees cold, as after a
    restart; the taxonomy trees warmed, as they are shared by every request)."""
    services.post_create(topic=topic, author=author, body="News")
    cache.clear()
    taxonomy.tree(Product), taxonomy.tree(Region)
    with CaptureQueriesContext(connection) as queries:
        assert services.announcements_deliver() == 1
    return len(queries)


def test_delivery_costs_the_same_for_3_and_40_watchers(forum):
    topic = make_topic(forum.routers, forum.anna)
    Announcement.objects.all().delete()
    _routers_watchers(3)
    few = _delivery_queries(topic, forum.maria)
    assert Notification.objects.count() == 4  # Anna and the three
    _routers_watchers(37)
    Notification.objects.all().delete()
    many = _delivery_queries(topic, forum.maria)
    assert Notification.objects.count() == 41
    assert few == many, (few, many)
    # Per row: the row with its post and actor (1), the topic and its category's audience (4),
    # the people (1), their reaches (4), notify: preferences and rows (2), the row deleted (1);
    # then the look for the next row (1), and the savepoints of the transactions (6 here).
    assert many <= 20


def test_each_person_reads_the_title_in_their_own_language(forum, committed):
    aki_fi = forum.aki
    aki_fi.language = "fi"
    aki_fi.save(update_fields=["language"])
    forum.clara.language = "de"
    forum.clara.save(update_fields=["language"])
    for person in (aki_fi, forum.clara, forum.maria):
        services.category_watch_set(category=forum.general, user=person, watching=True)
    with committed():
        topic = make_topic(forum.general, forum.anna, title="Firmware 2.1")
    titles = {n.recipient.email: n.title for n in Notification.objects.select_related("recipient")}
    assert titles == {
        "aki@aurora.test": "Uusi ketju: Firmware 2.1",
        "clara@berg.test": "Neues Thema: Firmware 2.1",
        "maria@kumppani.test": "New topic: Firmware 2.1",
    }
    Notification.objects.all().delete()
    services.handle_for(forum.clara)
    with committed():
        services.post_create(topic=topic, author=forum.maria, body="@clara see this")
    titles = {
        n.recipient.email: (n.kind, n.title)
        for n in Notification.objects.select_related("recipient")
    }
    name = forum.maria.display_name
    assert titles == {
        "aki@aurora.test": ("community.reply", "Uusi vastaus ketjussa ”Firmware 2.1”"),
        "clara@berg.test": ("community.mention", f"{name} hat Sie in „Firmware 2.1“ erwähnt"),
        "anna@aurora.test": ("community.reply", "New reply in “Firmware 2.1”"),
    }


def test_a_failing_row_stays_with_its_error_and_the_others_are_delivered(forum):
    topic = make_topic(forum.routers, forum.anna)
    Announcement.objects.all().delete()
    # A row no code writes (a kind from a newer release, rolled back): it cannot be delivered.
    broken = Announcement.objects.create(kind="community.poll", topic=topic, actor=forum.aki)
    services.post_create(topic=topic, author=forum.aki, body="A reply")
    assert services.announcements_deliver() == 1
    assert _told() == {("anna@aurora.test", "community.reply")}
    broken.refresh_from_db()
    assert broken.attempts == 1 and "community.poll" in broken.last_error
    assert list(Announcement.objects.all()) == [broken]
    # The retry (beat) tries it again, and counts.
    assert services.announcements_deliver() == 0
    broken.refresh_from_db()
    assert broken.attempts == 2


def test_a_deleted_topic_takes_its_announcements_with_it(forum):
    topic = make_topic(forum.general, forum.anna)
    services.category_watch_set(category=forum.general, user=forum.aki, watching=True)
    services.post_create(topic=topic, author=forum.maria, body="Reply")
    topic.posts.all().delete()
    Topic.objects.filter(pk=topic.pk).delete()
    assert not Announcement.objects.exists()
    assert services.announcements_deliver() == 0
    assert not Notification.objects.exists()


def test_posting_a_reply_costs_the_same_for_2_and_40_watchers(
    client, forum, django_capture_on_commit_callbacks
):
    _routers_watchers(1)  # Anna (the asker) and one colleague
    client.force_login(forum.maria)
    with django_capture_on_commit_callbacks(execute=True):
        topic = make_topic(forum.routers, forum.anna)
    url = reverse("community:reply", args=[topic.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"body": "Warm-up"})  # caches, Maria's handle and watch

    def reply_queries(body) -> int:
        Notification.objects.all().delete()
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            with CaptureQueriesContext(connection) as queries:
                response = client.post(url, {"body": body})
            assert response.status_code == 302
            assert not Notification.objects.exists()  # nobody is told inside the request
        assert [getattr(c, "task_name", None) for c in callbacks].count(ANNOUNCE_TASK) == 1
        return len(queries)

    few = reply_queries("With two watching")
    assert Notification.objects.count() == 2
    _routers_watchers(38)
    many = reply_queries("With forty watching")
    assert Notification.objects.count() == 40
    assert few == many, (few, many)
