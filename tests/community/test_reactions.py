"""Likes, bookmarks, quoting, edit history and view counts."""

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse

from community import services
from community.models import Bookmark, Like, Post, Topic
from tests.community.conftest import make_topic


def test_like_is_one_per_person_a_toggle_and_the_count_follows(forum):
    topic = make_topic(forum.routers, forum.anna)
    post = services.post_create(topic=topic, author=forum.aki, body="Answer")
    assert services.post_like_toggle(post=post, user=forum.anna) is True
    assert services.post_like_toggle(post=post, user=forum.maria) is True
    assert Post.objects.get(pk=post.pk).like_count == 2 == post.like_count
    assert services.post_like_toggle(post=post, user=forum.anna) is False
    assert Post.objects.get(pk=post.pk).like_count == 1 == Like.objects.count()
    with pytest.raises(ValidationError):
        services.post_like_toggle(post=post, user=forum.aki)


def test_like_and_bookmark_views(client, forum):
    topic = make_topic(forum.routers, forum.anna)
    post = services.post_create(topic=topic, author=forum.aki, body="Answer")
    client.force_login(forum.anna)
    assert client.get(reverse("community:like", args=[post.pk])).status_code == 405
    response = client.post(reverse("community:like", args=[post.pk]))
    assert response.status_code == 302 and f"#post-{post.pk}" in response["Location"]
    page = client.get(topic.get_absolute_url()).content.decode()
    assert 'aria-pressed="true">Like <span class="like-count">1</span>' in page
    client.post(reverse("community:bookmark", args=[topic.pk]))
    assert Bookmark.objects.filter(topic=topic, user=forum.anna).exists()
    assert topic.title in client.get(reverse("community:bookmarks")).content.decode()
    client.post(reverse("community:bookmark", args=[topic.pk]))
    assert not Bookmark.objects.exists()
    # Outsiders: 404, nothing stored.
    lounge = make_topic(forum.lounge, forum.clara)
    reply = services.post_create(topic=lounge, author=forum.maria, body="x")
    assert client.post(reverse("community:like", args=[reply.pk])).status_code == 404
    assert client.post(reverse("community:bookmark", args=[lounge.pk])).status_code == 404
    assert not Like.objects.filter(post=reply).exists() and not Bookmark.objects.exists()


def test_quote_prefills_the_reply_form_without_javascript(client, forum):
    topic = make_topic(forum.routers, forum.anna, body="Line one\n\nLine <two>")
    client.force_login(forum.aki)
    page = client.get(f"{topic.get_absolute_url()}?quote={topic.first_post_id}").content.decode()
    assert "&gt; Line one\n&gt;\n&gt; Line &lt;two&gt;" in page
    assert f"({topic.get_absolute_url()}#post-{topic.first_post_id})" in page
    # A post of another topic, or one the person cannot see, is not quoted.
    lounge = make_topic(forum.lounge, forum.clara, body="Secret partner text")
    page = client.get(f"{topic.get_absolute_url()}?quote={lounge.first_post_id}").content.decode()
    assert "Secret partner text" not in page


def test_history_is_for_staff_and_readers_see_edited(client, forum):
    topic = make_topic(forum.routers, forum.anna, body="first version")
    services.post_edit(post=topic.first_post, by=forum.anna, body="second version")
    url = reverse("community:history", args=[topic.first_post_id])
    client.force_login(forum.aki)
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "edited" in page and url not in page
    assert client.get(url).status_code == 403
    client.force_login(forum.maria)
    assert url in client.get(topic.get_absolute_url()).content.decode()
    page = client.get(url).content.decode()
    assert "-first version" in page and "+second version" in page


def test_views_count_once_per_person_per_window(client, forum):
    cache.clear()
    topic = make_topic(forum.routers, forum.anna)
    client.force_login(forum.aki)
    for _ in range(3):
        client.get(topic.get_absolute_url())
    client.force_login(forum.anna)
    client.get(topic.get_absolute_url())
    assert Topic.objects.get(pk=topic.pk).view_count == 2
    assert not services.topic_view_record(topic=topic, user=forum.aki)
