"""Writes for the forum. Each runs in one transaction: the post, the topic's counters and the
search outbox row commit together (the drain is queued after commit by search_enqueue)."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from community.markdown import RENDER_VERSION, render_markdown
from community.models import Category, Post, PostRevision, Topic, TopicKind, Vote
from hub.search.services import search_enqueue

MAX_BODY_LENGTH = 20_000
MAX_TITLE_LENGTH = 200


def clean_body(body: str | None) -> str:
    """The body as it will be stored, or ValidationError (keyed "body") saying what is wrong."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write something before posting.")})
    if "\x00" in body:
        raise ValidationError({"body": _("The text contains characters that cannot be saved.")})
    if len(body) > MAX_BODY_LENGTH:
        raise ValidationError(
            {
                "body": _(
                    "A post can be at most %(max)s characters long; this one has %(length)s. "
                    "Shorten it or split it into two posts."
                )
                % {"max": f"{MAX_BODY_LENGTH:,}", "length": f"{len(body):,}"}
            }
        )
    return body


def _clean_title(title: str | None) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"title": _("Give your topic a title.")})
    if len(title) > MAX_TITLE_LENGTH:
        raise ValidationError(
            {"title": _("A title can be at most %(max)s characters.") % {"max": MAX_TITLE_LENGTH}}
        )
    return title


def _rendered_fields(body: str) -> dict:
    rendered = render_markdown(body)
    return {
        "source": body,
        "html": rendered.html,
        "text": rendered.text,
        "render_version": RENDER_VERSION,
    }


@transaction.atomic
def topic_create(
    *,
    category: Category,
    author,
    kind: str,
    title: str,
    body: str,
    product=None,
    tags: Iterable[str] = (),
) -> Topic:
    """A topic with its opening post. Raises ValidationError (title, body, kind)."""
    if kind not in TopicKind.values:
        raise ValidationError({"kind": _("Choose a question or a discussion.")})
    title = _clean_title(title)
    body = clean_body(body)
    now = timezone.now()
    topic = Topic.objects.create(
        category=category,
        kind=kind,
        title=title,
        author=author,
        product=product if product is not None else category.product,
        created_at=now,
        last_activity_at=now,
    )
    post = Post.objects.create(topic=topic, author=author, created_at=now, **_rendered_fields(body))
    topic.first_post = post
    topic.save(update_fields=["first_post"])  # the registry's signal enqueues the topic
    tag_names = sorted({t.strip()[:100] for t in tags if t and t.strip()})
    if tag_names:
        topic.tags.set(tag_names)
    return topic


@transaction.atomic
def post_create(*, topic: Topic, author, body: str) -> Post:
    """A reply; bumps the topic's reply count and last activity in the same transaction."""
    body = clean_body(body)
    now = timezone.now()
    post = Post.objects.create(topic=topic, author=author, created_at=now, **_rendered_fields(body))
    Topic.objects.filter(pk=topic.pk).update(reply_count=F("reply_count") + 1, last_activity_at=now)
    topic.refresh_from_db(fields=["reply_count", "last_activity_at"])
    search_enqueue(topic)
    return post


@transaction.atomic
def post_edit(*, post: Post, by, body: str) -> Post:
    """New source (re-rendered); the previous source is kept as a PostRevision."""
    body = clean_body(body)
    if body == post.source:
        return post
    PostRevision.objects.create(post=post, source=post.source, edited_by=by)
    for name, value in _rendered_fields(body).items():
        setattr(post, name, value)
    post.edited_at = timezone.now()
    post.save(update_fields=["source", "html", "text", "render_version", "edited_at"])
    search_enqueue(post.topic)
    return post


@transaction.atomic
def topic_accept_answer(*, topic: Topic, post: Post, by) -> Topic:
    """Marks `post` as the answer to the question (replacing an earlier one)."""
    if not topic.is_question:
        raise ValidationError(_("Only a question can have an accepted answer."))
    if post.topic_id != topic.pk or post.pk == topic.first_post_id:
        raise ValidationError(_("Only a reply to this question can be accepted."))
    if post.is_hidden or post.is_deleted:
        raise ValidationError(_("A hidden post cannot be accepted."))
    topic.accepted_post = post
    topic.save(update_fields=["accepted_post"])  # the registry's signal enqueues the topic
    return topic


@transaction.atomic
def post_vote(*, post: Post, user, value: int) -> Post:
    """One vote per person and post: +1, -1, or 0 to take it back. Keeps Post.score equal to the
    sum of the votes (the person's row is locked while it changes)."""
    if value not in (-1, 0, 1):
        raise ValidationError(_("A vote is up or down."))
    if post.author_id == user.pk:
        raise ValidationError(_("You cannot vote on your own post."))
    vote = Vote.objects.select_for_update().filter(post=post, user=user).first()
    old = vote.value if vote else 0
    if value == old:
        return post
    if value == 0:
        vote.delete()
    elif vote is not None:
        vote.value = value
        vote.save(update_fields=["value"])
    else:
        Vote.objects.create(post=post, user=user, value=value)
    Post.objects.filter(pk=post.pk).update(score=F("score") + (value - old))
    post.refresh_from_db(fields=["score"])
    return post


@transaction.atomic
def category_reindex(*, category: Category) -> int:
    """Queue every topic of the category for the search index (after its audience changed: the
    topics' documents carry the category's audience). Returns how many were queued."""
    topics = list(Topic.objects.filter(category=category).only("pk"))
    for topic in topics:
        search_enqueue(topic)
    return len(topics)


def posts_rerender(*, batch: int = 500) -> int:
    """Re-render every post stored by an older renderer (after the allow-list changed), in
    batches of one transaction each; queues their topics for the index. Returns the count."""
    done = 0
    while True:
        with transaction.atomic():
            posts = list(
                Post.objects.select_for_update()
                .filter(render_version__lt=RENDER_VERSION)
                .select_related("topic")
                .order_by("pk")[:batch]
            )
            if not posts:
                return done
            topics = {}
            for post in posts:
                rendered = render_markdown(post.source)
                post.html, post.text = rendered.html, rendered.text
                post.render_version = RENDER_VERSION
                topics[post.topic_id] = post.topic
            Post.objects.bulk_update(posts, ["html", "text", "render_version"])
            for topic in topics.values():
                search_enqueue(topic)
        done += len(posts)
