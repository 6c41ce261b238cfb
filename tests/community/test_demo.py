"""The demo community: created through the services, restricted where DESIGN.md says, and
idempotent."""

import io
import time

import pytest
from django.core.management import call_command

from accounts.models import User
from community import demo, selectors
from community.models import Category, Topic


@pytest.mark.django_db
def test_seed_is_idempotent_fast_and_restricted():
    call_command("seed_demo", stdout=io.StringIO())
    topics = Topic.objects.count()
    assert topics >= 30
    assert Topic.objects.exclude(accepted_post=None).count() >= 10
    assert set(Category.objects.values_list("slug", flat=True)) >= {
        "routers", "switches", "general", "partner-lounge",
    }  # fmt: skip
    started = time.monotonic()
    demo.seed(stdout=io.StringIO())
    assert time.monotonic() - started < 3
    assert Topic.objects.count() == topics

    anna = User.objects.get(email="anna@aurora.example")
    clara = User.objects.get(email="clara@berg.example")
    assert {c.slug for c in selectors.categories_visible_to(anna)} == {"routers", "general"}
    assert {c.slug for c in selectors.categories_visible_to(clara)} == {
        "switches", "general", "partner-lounge",
    }  # fmt: skip


@pytest.mark.django_db
def test_demo_is_a_living_community_in_three_languages():
    call_command("seed_demo", stdout=io.StringIO())
    assert Topic.objects.count() >= 250
    assert set(Topic.objects.values_list("language", flat=True)) == {"en", "fi", "de"}
    from django.db.models import Count, Q

    from community.models import Bookmark, CategoryWatch, Like, Post

    assert Like.objects.exists() and Bookmark.objects.exists() and CategoryWatch.objects.exists()
    # Counters agree with the rows (hidden and deleted posts are not replies: the demo hides one).
    shown = Count("posts", filter=Q(posts__is_hidden=False, posts__is_deleted=False))
    for topic in Topic.objects.annotate(shown=shown):
        assert topic.reply_count == topic.shown - 1, topic.title
    for post in Post.objects.filter(like_count__gt=0)[:20]:
        assert post.like_count == post.likes.count()
    # Nobody reacted to what they may not see: Clara never in routers, Anna never in switches.
    clara = User.objects.get(email="clara@berg.example")
    anna = User.objects.get(email="anna@aurora.example")
    assert not Like.objects.filter(user=clara, post__topic__category__slug="routers").exists()
    assert not Bookmark.objects.filter(user=anna, topic__category__slug="switches").exists()
