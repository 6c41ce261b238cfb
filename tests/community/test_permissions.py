"""A category outside a person's audience does not exist for them, by every route; hidden
topics are staff-only; each action has its own check."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from community import permissions, selectors, services
from community.models import Post, Topic, Vote
from tests.community.conftest import make_topic


@pytest.fixture
def lounge_topic(forum):
    topic = make_topic(forum.lounge, forum.clara, title="Partner price list secret")
    answer = services.post_create(topic=topic, author=forum.maria, body="Next week.")
    return topic, answer


def test_category_audience_checks(forum):
    assert permissions.can_view_category(forum.anna, forum.routers)
    assert not permissions.can_view_category(forum.clara, forum.routers)
    assert not permissions.can_view_category(forum.anna, forum.lounge)
    assert permissions.can_view_category(forum.clara, forum.lounge)
    assert permissions.can_view_category(forum.maria, forum.lounge)
    for user in (forum.anna, forum.clara):
        assert permissions.can_view_category(user, forum.general)
    with pytest.raises(Http404):
        permissions.check_view_category(forum.anna, forum.lounge)


def test_lists_never_show_a_category_or_topic_outside_the_audience(forum, lounge_topic):
    topic, _ = lounge_topic
    assert {c.slug for c in selectors.categories_visible_to(forum.anna)} == {"routers", "general"}
    assert {c.slug for c in selectors.categories_visible_to(forum.clara)} == {
        "partner-lounge",
        "general",
    }
    assert topic not in selectors.topics_visible_to(forum.anna)
    assert topic in selectors.topics_visible_to(forum.clara)
    assert selectors.topic_for(forum.anna, topic.pk) is None
    assert selectors.post_for(forum.anna, topic.first_post_id) is None


def test_outsider_gets_404_on_every_url(client, forum, lounge_topic):
    topic, answer = lounge_topic
    client.force_login(forum.anna)
    assert client.get(reverse("community:category", args=["partner-lounge"])).status_code == 404
    assert client.get(reverse("community:new_topic", args=["partner-lounge"])).status_code == 404
    assert client.get(reverse("community:topic", args=[topic.pk])).status_code == 404
    assert client.get(reverse("community:edit_post", args=[answer.pk])).status_code == 404
    new = {"kind": "question", "title": "x", "body": "y"}
    posts = [
        (reverse("community:new_topic", args=["partner-lounge"]), new),
        (reverse("community:reply", args=[topic.pk]), {"body": "Let me in"}),
        (reverse("community:vote", args=[answer.pk]), {"value": "1"}),
        (reverse("community:accept", args=[answer.pk]), {}),
        (reverse("community:edit_post", args=[answer.pk]), {"body": "changed"}),
    ]  # fmt: skip
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    assert Topic.objects.get(pk=topic.pk).reply_count == 1
    assert not Vote.objects.exists()
    assert Topic.objects.get(pk=topic.pk).accepted_post is None
    assert Post.objects.get(pk=answer.pk).source == "Next week."
    index = client.get(reverse("community:index")).content.decode()
    assert "Partner-Lounge" not in index and "partner-lounge" not in index


def test_hidden_topic_is_invisible_to_customers_and_visible_to_staff(client, forum):
    topic = make_topic(forum.routers, forum.anna, title="Hidden one")
    Topic.objects.filter(pk=topic.pk).update(is_hidden=True)
    topic.refresh_from_db()
    client.force_login(forum.aki)
    assert client.get(reverse("community:topic", args=[topic.pk])).status_code == 404
    assert (
        "Hidden one"
        not in client.get(reverse("community:category", args=["routers"])).content.decode()
    )
    assert topic not in selectors.topics_visible_to(forum.aki)
    client.force_login(forum.maria)
    assert client.get(reverse("community:topic", args=[topic.pk])).status_code == 200
    assert (
        "Hidden one" in client.get(reverse("community:category", args=["routers"])).content.decode()
    )


def test_reply_to_a_locked_topic_is_denied(client, forum):
    topic = make_topic(forum.routers, forum.anna)
    Topic.objects.filter(pk=topic.pk).update(is_locked=True)
    topic.refresh_from_db()
    with pytest.raises(PermissionDenied):
        permissions.check_reply_topic(forum.aki, topic)
    permissions.check_reply_topic(forum.maria, topic)  # staff still can
    client.force_login(forum.aki)
    assert (
        client.post(reverse("community:reply", args=[topic.pk]), {"body": "x"}).status_code == 403
    )


def test_accept_is_for_the_asker_or_staff_on_questions(client, forum):
    topic = make_topic(forum.routers, forum.anna)
    answer = services.post_create(topic=topic, author=forum.aki, body="Answer")
    assert permissions.can_accept_answer(forum.anna, topic, answer)
    assert permissions.can_accept_answer(forum.maria, topic, answer)
    assert not permissions.can_accept_answer(forum.aki, topic, answer)
    assert not permissions.can_accept_answer(forum.anna, topic, topic.first_post)
    with pytest.raises(PermissionDenied):
        permissions.check_accept_answer(forum.aki, topic, answer)
    client.force_login(forum.aki)
    assert client.post(reverse("community:accept", args=[answer.pk])).status_code == 403
    client.force_login(forum.anna)
    assert client.post(reverse("community:accept", args=[answer.pk])).status_code == 302
    assert Topic.objects.get(pk=topic.pk).accepted_post == answer


def test_edit_is_for_the_author_or_staff(client, forum):
    topic = make_topic(forum.routers, forum.anna)
    post = topic.first_post
    assert permissions.can_edit_post(forum.anna, post)
    assert permissions.can_edit_post(forum.maria, post)
    assert not permissions.can_edit_post(forum.aki, post)
    client.force_login(forum.aki)
    url = reverse("community:edit_post", args=[post.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"body": "vandalised"}).status_code == 403


def test_nobody_votes_on_their_own_post(client, forum):
    topic = make_topic(forum.routers, forum.anna)
    answer = services.post_create(topic=topic, author=forum.aki, body="Answer")
    assert not permissions.can_vote_post(forum.aki, answer)
    assert permissions.can_vote_post(forum.anna, answer)
    client.force_login(forum.aki)
    assert (
        client.post(reverse("community:vote", args=[answer.pk]), {"value": "1"}).status_code == 403
    )
    client.force_login(forum.anna)
    assert (
        client.post(reverse("community:vote", args=[answer.pk]), {"value": "1"}).status_code == 302
    )
    assert Post.objects.get(pk=answer.pk).score == 1


def test_state_changes_refuse_get(client, forum):
    topic = make_topic(forum.routers, forum.anna)
    answer = services.post_create(topic=topic, author=forum.aki, body="Answer")
    client.force_login(forum.anna)
    for name, pk in (("reply", topic.pk), ("vote", answer.pk), ("accept", answer.pk)):
        assert client.get(reverse(f"community:{name}", args=[pk])).status_code == 405


def test_state_changes_need_csrf(forum):
    from django.test import Client

    topic = make_topic(forum.routers, forum.anna)
    client = Client(enforce_csrf_checks=True)
    client.force_login(forum.aki)
    response = client.post(reverse("community:reply", args=[topic.pk]), {"body": "No token"})
    assert response.status_code == 403
    assert Topic.objects.get(pk=topic.pk).reply_count == 0


def test_anonymous_is_sent_to_sign_in(client, forum):
    response = client.get(reverse("community:index"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
