"""Every moderator action: its effect, the topic's counters, the log entry (same transaction),
visibility for members and staff, and the notice to the member it affects."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from community import services as community_services
from community.models import Post
from hub.search.models import IndexOutbox
from moderation import services
from moderation.models import Action, Flag, ModerationLog, TopicMerge
from notifications.models import Notification
from tests.moderation.conftest import make_topic


def _thread(forum, *, category=None, title="WAN drops", replies=3):
    topic = make_topic(category or forum.routers, forum.anna, title=title, body="Question body")
    posts = [
        community_services.post_create(topic=topic, author=forum.aki, body=f"Reply {i}")
        for i in range(replies)
    ]
    topic.refresh_from_db()
    return topic, posts


def _notices(user):
    return list(Notification.objects.filter(recipient=user, kind="moderation.action"))


@pytest.mark.django_db
def test_hide_from_the_queue_with_a_reason(client, forum, mod):
    topic, posts = _thread(forum)
    spam = posts[2]
    services.flag_create(post=spam, user=forum.anna, reason="spam", text="An ad")
    client.force_login(mod)
    page = client.get(reverse("moderation:queue")).content.decode()
    assert "An ad" in page and topic.title in page
    url = reverse("moderation:post_action", args=[spam.pk, "hide"])
    # Without a reason: refused, the page says why.
    response = client.post(url, {"reason": "  ", "next": reverse("moderation:queue")})
    assert response.status_code == 400 and "Give a reason" in response.content.decode()
    outbox = IndexOutbox.objects.count()
    response = client.post(url, {"reason": "Advertising", "next": reverse("moderation:queue")})
    assert response.status_code == 302 and response.url == reverse("moderation:queue")
    spam.refresh_from_db()
    topic.refresh_from_db()
    assert spam.is_hidden
    assert topic.reply_count == 2
    assert topic.last_activity_at == posts[1].created_at
    assert IndexOutbox.objects.count() > outbox  # the topic's document loses the post
    assert Flag.objects.get().status == Flag.Status.ACTED
    entry = ModerationLog.objects.get(action=Action.POST_HIDE)
    assert (entry.actor, entry.member, entry.post, entry.reason) == (
        mod,
        forum.aki,
        spam,
        "Advertising",
    )
    assert "No open flags" in client.get(reverse("moderation:queue")).content.decode()
    # Gone for members, still there (marked) for staff.
    client.force_login(forum.anna)
    assert "Reply 2" not in client.get(topic.get_absolute_url()).content.decode()
    client.force_login(mod)
    assert "Reply 2" in client.get(topic.get_absolute_url()).content.decode()
    # Aki is told (not the moderator), and his notices page says why.
    notices = _notices(forum.aki)
    assert len(notices) == 1 and notices[0].url == reverse("moderation:notices")
    assert notices[0].title == "A moderator hid your post" and notices[0].body == "Advertising"
    assert _notices(mod) == []
    client.force_login(forum.aki)
    assert "Advertising" in client.get(reverse("moderation:notices")).content.decode()

    # Restore brings it and the counters back.
    services.post_restore(post=spam, by=mod, reason="Second look: fine")
    topic.refresh_from_db()
    assert topic.reply_count == 3 and topic.last_activity_at == spam.created_at


@pytest.mark.django_db
def test_hiding_the_accepted_answer_unsolves_and_restoring_resolves(forum, mod):
    topic, posts = _thread(forum)
    community_services.topic_accept_answer(topic=topic, post=posts[0], by=forum.anna)
    services.post_hide(post=posts[0], by=mod, reason="Wrong")
    topic.refresh_from_db()
    assert topic.accepted_post is None and not topic.is_solved
    services.post_restore(post=posts[0], by=mod, reason="Right after all")
    topic.refresh_from_db()
    assert topic.accepted_post == posts[0]


@pytest.mark.django_db
def test_deleting_the_opening_post_deletes_the_topic(client, forum, mod):
    topic, _posts = _thread(forum)
    first = Post.objects.get(pk=topic.first_post_id)
    services.post_delete(post=first, by=mod, reason="Spam thread")
    topic.refresh_from_db()
    assert topic.is_deleted and topic.search_document() is None
    client.force_login(forum.anna)
    assert client.get(topic.get_absolute_url()).status_code == 404
    services.topic_undelete(topic=topic, by=mod, reason="Mistake")
    topic.refresh_from_db()
    first.refresh_from_db()
    assert not topic.is_deleted and not first.is_deleted
    assert client.get(topic.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_lock_pin_and_delete_topic_from_the_topic_page(client, forum, mod):
    topic, _posts = _thread(forum)
    client.force_login(mod)
    page = client.get(topic.get_absolute_url()).content.decode()
    lock = reverse("moderation:topic_action", args=[topic.pk, "lock"])
    assert lock in page  # the moderator's tools on the topic page
    assert client.get(lock).status_code == 200
    assert client.post(lock, {"reason": "Answered", "next": topic.get_absolute_url()}).url == (
        topic.get_absolute_url()
    )
    client.post(reverse("moderation:topic_action", args=[topic.pk, "pin"]), {})
    topic.refresh_from_db()
    assert topic.is_locked and topic.is_pinned
    client.force_login(forum.aki)
    reply = client.post(reverse("community:reply", args=[topic.pk]), {"body": "More"})
    assert reply.status_code == 403
    client.force_login(mod)
    client.post(reverse("moderation:topic_action", args=[topic.pk, "delete"]), {"reason": "Old"})
    topic.refresh_from_db()
    assert topic.is_deleted
    client.force_login(forum.anna)
    assert client.get(topic.get_absolute_url()).status_code == 404
    actions = list(ModerationLog.objects.values_list("action", flat=True))
    assert set(actions) == {Action.TOPIC_LOCK, Action.TOPIC_PIN, Action.TOPIC_DELETE}
    assert "Old" in client.get(reverse("moderation:notices")).content.decode()


@pytest.mark.django_db
def test_move_changes_the_audience(client, forum, mod):
    topic, _ = _thread(forum, category=forum.general)
    client.force_login(forum.clara)
    assert client.get(topic.get_absolute_url()).status_code == 200
    client.force_login(mod)
    url = reverse("moderation:topic_action", args=[topic.pk, "move"])
    response = client.post(url, {"category": forum.routers.pk, "reason": "About routers"})
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.category == forum.routers
    assert topic.search_document()["products"] == ["router-r"]
    client.force_login(forum.clara)
    assert client.get(topic.get_absolute_url()).status_code == 404
    entry = ModerationLog.objects.get(action=Action.TOPIC_MOVE)
    assert entry.data["from"] == "General" and entry.data["to"] == "Routers"


@pytest.mark.django_db
def test_merge_moves_posts_recounts_and_redirects(client, forum, mod):
    keep, _keep_posts = _thread(forum, title="Keep", replies=2)
    dupe, dupe_posts = _thread(forum, title="Duplicate", replies=3)
    community_services.topic_accept_answer(topic=dupe, post=dupe_posts[1], by=forum.anna)
    services.flag_create(post=dupe_posts[0], user=forum.anna, reason="off_topic")
    client.force_login(mod)
    url = reverse("moderation:topic_action", args=[dupe.pk, "merge"])
    response = client.post(
        url, {"target": f"http://testserver/community/t/{keep.pk}/", "reason": "Same"}
    )
    assert response.status_code == 302 and response.url == keep.get_absolute_url()
    keep.refresh_from_db()
    dupe.refresh_from_db()
    assert Post.objects.filter(topic=keep).count() == (1 + 2) + (1 + 3)
    assert keep.reply_count == 2 + 1 + 3  # the duplicate's question is now a reply
    assert keep.last_activity_at == dupe_posts[-1].created_at
    assert keep.accepted_post_id == dupe_posts[1].pk  # keep had none: it takes the answer
    assert dupe.is_deleted and dupe.reply_count == 0 and dupe.search_document() is None
    assert "Reply 2" in keep.search_document()["body"]
    # The old URL leads to the topic that stays, for members and staff alike.
    for person in (forum.anna, mod):
        client.force_login(person)
        response = client.get(dupe.get_absolute_url())
        assert response.status_code == 302 and response.url == keep.get_absolute_url()
    # ...but never for someone who cannot see the target.
    client.force_login(forum.clara)
    assert client.get(dupe.get_absolute_url()).status_code == 404
    # A later merge of the kept topic carries the earlier redirect along.
    third, _ = _thread(forum, title="Third", replies=0)
    services.topic_merge(topic=keep, into=third, by=mod, reason="Again")
    assert TopicMerge.objects.get(source=dupe).target == third
    with pytest.raises(ValidationError):
        services.topic_merge(topic=third, into=third, by=mod, reason="x")


@pytest.mark.django_db
def test_merge_form_errors_keep_the_input(client, forum, mod):
    topic, _ = _thread(forum)
    client.force_login(mod)
    url = reverse("moderation:topic_action", args=[topic.pk, "merge"])
    response = client.post(url, {"target": "999999", "reason": "Dupe"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is no topic with that number" in body and "Dupe" in body
    assert client.post(url, {"target": "nonsense", "reason": "x"}).status_code == 400


@pytest.mark.django_db
def test_dismiss_closes_the_flags_and_keeps_the_post(client, forum, mod):
    _topic, posts = _thread(forum)
    services.flag_create(post=posts[0], user=forum.anna, reason="spam")
    client.force_login(mod)
    response = client.post(reverse("moderation:post_action", args=[posts[0].pk, "dismiss"]), {})
    assert response.status_code == 302
    assert Flag.objects.get().status == Flag.Status.DISMISSED
    posts[0].refresh_from_db()
    assert not posts[0].is_hidden
    assert ModerationLog.objects.filter(action=Action.FLAGS_DISMISS).count() == 1


@pytest.mark.django_db
def test_the_log_is_filterable(client, forum, mod):
    topic, posts = _thread(forum)
    services.post_hide(post=posts[0], by=mod, reason="First")
    services.topic_lock(topic=topic, by=mod, reason="Second")
    client.force_login(mod)
    body = client.get(reverse("moderation:log"), {"action": "topic_lock"}).content.decode()
    assert "Second" in body and "First" not in body
    body = client.get(reverse("moderation:log"), {"member": "aki@"}).content.decode()
    assert "First" in body and "Second" not in body
    body = client.get(
        reverse("moderation:log"), {"topic": topic.pk, "actor": mod.pk}
    ).content.decode()
    assert "First" in body and "Second" in body
