"""Reads for moderators (the queue, the log, a member's record) and for members (their own
notices). Each page runs a fixed number of queries whatever its length."""

from collections import Counter

from django.db.models import Count, Max, QuerySet

from accounts.models import User
from community.models import Category, Post, Topic
from moderation.models import Flag, ModerationLog, Restriction
from moderation.services import MEMBER_ACTIONS


def open_flag_groups() -> QuerySet:
    """One row per post with open flags: {post, count, last}, newest flag first."""
    return (
        Flag.objects.filter(status=Flag.Status.OPEN)
        .values("post")
        .annotate(count=Count("pk"), last=Max("created_at"))
        .order_by("-last", "-post")
    )


def queue_items(groups) -> list[dict]:
    """The page's groups with their posts (topic, category, author) and flags (flagger): two
    queries for any number of rows."""
    groups = list(groups)
    ids = [g["post"] for g in groups]
    posts = Post.objects.select_related("topic__category", "author").in_bulk(ids)
    flags: dict[int, list[Flag]] = {}
    for flag in (
        Flag.objects.filter(post_id__in=ids, status=Flag.Status.OPEN)
        .select_related("user")
        .order_by("-created_at", "-pk")
    ):
        flags.setdefault(flag.post_id, []).append(flag)
    items = []
    for group in groups:
        post = posts.get(group["post"])
        if post is None:
            continue
        post_flags = flags.get(post.pk, [])
        reasons = Counter(f.get_reason_display() for f in post_flags)
        items.append(
            {
                "post": post,
                "topic": post.topic,
                "count": group["count"],
                "last": group["last"],
                "flags": post_flags,
                "reasons": sorted(reasons.items(), key=lambda kv: (-kv[1], str(kv[0]))),
                "is_first": post.pk == post.topic.first_post_id,
            }
        )
    return items


def open_flag_count() -> int:
    return Flag.objects.filter(status=Flag.Status.OPEN).values("post").distinct().count()


def log_entries(*, action: str = "", actor_id: int | None = None, member: str = "", topic_id=None):
    qs = ModerationLog.objects.select_related("actor", "member", "topic", "post")
    if action:
        qs = qs.filter(action=action)
    if actor_id:
        qs = qs.filter(actor_id=actor_id)
    if member:
        qs = qs.filter(member__email__icontains=member.strip())
    if topic_id:
        qs = qs.filter(topic_id=topic_id)
    return qs.order_by("-created_at", "-pk")


def log_actors() -> QuerySet[User]:
    """People who appear as the actor of a log entry (for the filter)."""
    return User.objects.filter(
        pk__in=ModerationLog.objects.exclude(actor=None).values("actor_id")
    ).order_by("email")


def member_log(member) -> QuerySet[ModerationLog]:
    return (
        ModerationLog.objects.filter(member=member)
        .select_related("actor", "topic", "post")
        .order_by("-created_at", "-pk")
    )


def notices_for(user) -> QuerySet[ModerationLog]:
    """The decisions that affected this member, newest first."""
    return (
        ModerationLog.objects.filter(member=user, action__in=MEMBER_ACTIONS)
        .select_related("topic", "post")
        .order_by("-created_at", "-pk")
    )


def restrictions_of(member) -> QuerySet[Restriction]:
    return Restriction.objects.filter(user=member).select_related("created_by")


def post_for_moderator(pk: int) -> Post | None:
    return Post.objects.select_related("topic__category", "author").filter(pk=pk).first()


def topic_for_moderator(pk: int) -> Topic | None:
    return Topic.objects.select_related("category", "author", "first_post").filter(pk=pk).first()


def categories() -> QuerySet[Category]:
    return Category.objects.order_by("position", "name")
