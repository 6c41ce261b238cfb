"""Flags: once per person and post, never on one's own post, "other" needs words; enough
flags from different people hide the post until a moderator decides."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from community import services as community_services
from moderation import services
from moderation.models import Action, Flag, ModerationLog
from tests.factories import make_member
from tests.moderation.conftest import make_topic


@pytest.fixture
def reply(forum):
    topic = make_topic(forum.general, forum.anna, title="Open question")
    return community_services.post_create(topic=topic, author=forum.aki, body="Buy cheap pills")


@pytest.mark.django_db
def test_flag_through_the_topic_page(client, forum, reply):
    client.force_login(forum.anna)
    page = client.get(reply.topic.get_absolute_url()).content.decode()
    assert reverse("moderation:flag", args=[reply.pk]) in page  # the flag form on the post
    response = client.post(
        reverse("moderation:flag", args=[reply.pk]), {"reason": "spam", "text": "Pills"}
    )
    assert response.status_code == 302
    assert response.url.endswith(f"#post-{reply.pk}")
    flag = Flag.objects.get()
    assert (flag.post, flag.user, flag.reason, flag.text) == (reply, forum.anna, "spam", "Pills")
    # Twice is refused with a message; the form keeps what was typed.
    response = client.post(
        reverse("moderation:flag", args=[reply.pk]), {"reason": "other", "text": "Still spam"}
    )
    assert response.status_code == 400
    assert "already flagged" in response.content.decode()
    assert "Still spam" in response.content.decode()
    assert Flag.objects.count() == 1


@pytest.mark.django_db
def test_own_post_and_other_without_text_are_refused(client, forum, reply):
    with pytest.raises(ValidationError):
        services.flag_create(post=reply, user=forum.aki, reason="spam")
    client.force_login(forum.anna)
    response = client.post(reverse("moderation:flag", args=[reply.pk]), {"reason": "other"})
    assert response.status_code == 400
    assert "Tell the moderators" in response.content.decode()
    response = client.post(reverse("moderation:flag", args=[reply.pk]), {"reason": "bogus"})
    assert response.status_code == 400
    # The author sees no flag form on their own post, and cannot post one either.
    client.force_login(forum.aki)
    assert (
        reverse("moderation:flag", args=[reply.pk])
        not in client.get(reply.topic.get_absolute_url()).content.decode()
    )
    assert (
        client.post(reverse("moderation:flag", args=[reply.pk]), {"reason": "spam"}).status_code
        == 403
    )
    assert not Flag.objects.exists()


@pytest.mark.django_db
def test_enough_flags_hide_the_post_until_a_moderator_decides(client, forum, reply, settings):
    settings.MODERATION_AUTO_HIDE_FLAGS = 3
    topic = reply.topic
    people = [forum.anna, forum.clara, make_member(forum.anna.memberships.first().organisation)]
    for person in people[:2]:
        services.flag_create(post=reply, user=person, reason="spam")
    reply.refresh_from_db()
    assert not reply.is_hidden
    services.flag_create(post=reply, user=people[2], reason="inappropriate")
    reply.refresh_from_db()
    topic.refresh_from_db()
    assert reply.is_hidden and topic.reply_count == 0
    entry = ModerationLog.objects.get(action=Action.FLAG_AUTO_HIDE)
    assert entry.actor is None and entry.member == forum.aki and entry.post == reply
    # The flags stay open for a moderator.
    assert Flag.objects.filter(status=Flag.Status.OPEN).count() == 3
    client.force_login(forum.anna)
    assert "Buy cheap pills" not in client.get(topic.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_staff_posts_are_never_hidden_automatically(forum, settings):
    settings.MODERATION_AUTO_HIDE_FLAGS = 1
    topic = make_topic(forum.general, forum.anna)
    answer = community_services.post_create(topic=topic, author=forum.maria, body="Staff answer")
    services.flag_create(post=answer, user=forum.anna, reason="spam")
    answer.refresh_from_db()
    assert not answer.is_hidden
