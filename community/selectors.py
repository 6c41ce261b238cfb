"""Reads for the forum. Every list goes through `audience.q_for(user, Category, ...)`."""

from django.db.models import Count, Q, QuerySet

from community.models import Category, Post, Topic, Vote
from hub import audience

_AUDIENCE = tuple(f"category__{name}" for name in Category.audience_prefetch())


def categories_visible_to(user) -> QuerySet[Category]:
    """Categories in the person's audience, each with `topic_count` (topics they can see)."""
    shown = Q(topics__is_hidden=False, topics__is_deleted=False)
    return (
        Category.objects.filter(audience.q_for(user, Category))
        .annotate(topic_count=Count("topics", filter=shown))
        .order_by("position", "name")
    )


def category_for(user, slug: str) -> Category | None:
    return (
        Category.objects.filter(audience.q_for(user, Category), slug=slug)
        .prefetch_related(*Category.audience_prefetch())
        .first()
    )


def topics_visible_to(user) -> QuerySet[Topic]:
    qs = Topic.objects.filter(audience.q_for(user, Category, prefix="category__"))
    if not user.is_staff:
        qs = qs.filter(is_hidden=False, is_deleted=False)
    return qs


def topic_list(user, *, category: Category) -> QuerySet[Topic]:
    """Pinned first, then by last activity; one query per page whatever its length."""
    return (
        topics_visible_to(user)
        .filter(category=category)
        .select_related("author")
        .order_by("-is_pinned", "-last_activity_at", "-pk")
    )


def topic_for(user, pk: int) -> Topic | None:
    """The topic with what its page needs, or None when it does not exist for this person."""
    topic = (
        topics_visible_to(user)
        .filter(pk=pk)
        .select_related(
            "category", "author", "product", "first_post__author", "accepted_post__author"
        )
        .prefetch_related(*_AUDIENCE, "tags")
        .first()
    )
    if topic is not None:
        # The page checks these posts against their topic: hand it over, do not re-fetch it.
        for post in (topic.first_post, topic.accepted_post):
            if post is not None:
                post.topic = topic
    return topic


def post_for(user, pk: int) -> Post | None:
    return (
        Post.objects.filter(audience.q_for(user, Category, prefix="topic__category__"), pk=pk)
        .select_related("topic__category", "author")
        .prefetch_related(*(f"topic__{name}" for name in _AUDIENCE))
        .first()
    )


def replies(user, *, topic: Topic) -> QuerySet[Post]:
    """The posts after the question, oldest first; hidden and deleted ones only for staff."""
    qs = topic.posts.exclude(pk=topic.first_post_id).select_related("author")
    if not user.is_staff:
        qs = qs.filter(is_hidden=False, is_deleted=False)
    return qs.order_by("created_at", "pk")


def votes_by(user, posts) -> dict[int, int]:
    """{post id: the person's vote} for the given posts, in one query."""
    ids = [p.pk for p in posts if p is not None]
    if not ids:
        return {}
    return dict(Vote.objects.filter(user=user, post_id__in=ids).values_list("post_id", "value"))
