"""Who may do what in the forum. One check per action (raising), a `can_*` beside it for
templates. A category outside a person's audience does not exist for them: 404, never 403."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from community.models import Category, Post, Topic
from hub import audience


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_view_category(user, category: Category) -> bool:
    return _active(user) and audience.visible_to(user, category)


def check_view_category(user, category: Category) -> None:
    if not can_view_category(user, category):
        raise Http404


def can_view_topic(user, topic: Topic) -> bool:
    if not can_view_category(user, topic.category):
        return False
    return user.is_staff or not (topic.is_hidden or topic.is_deleted)


def check_view_topic(user, topic: Topic) -> None:
    if not can_view_topic(user, topic):
        raise Http404


def can_view_post(user, post: Post) -> bool:
    return _post_shown(user, post, topic_visible=can_view_topic(user, post.topic))


def _post_shown(user, post: Post, *, topic_visible: bool) -> bool:
    return topic_visible and (user.is_staff or not (post.is_hidden or post.is_deleted))


def check_view_post(user, post: Post) -> None:
    if not can_view_post(user, post):
        raise Http404


def can_create_topic(user, category: Category) -> bool:
    return can_view_category(user, category)


def check_create_topic(user, category: Category) -> None:
    check_view_category(user, category)


def can_reply_topic(user, topic: Topic) -> bool:
    return can_view_topic(user, topic) and (user.is_staff or not topic.is_locked)


def check_reply_topic(user, topic: Topic) -> None:
    check_view_topic(user, topic)
    if not can_reply_topic(user, topic):
        raise PermissionDenied


def can_accept_answer(user, topic: Topic, post: Post | None = None) -> bool:
    """The asker or staff, on a question, for a reply (never the question itself)."""
    if not _may_accept_in(user, topic, topic_visible=can_view_topic(user, topic)):
        return False
    return post is None or _acceptable(topic, post)


def _may_accept_in(user, topic: Topic, *, topic_visible: bool) -> bool:
    return topic_visible and topic.is_question and (user.is_staff or user.pk == topic.author_id)


def _acceptable(topic: Topic, post: Post) -> bool:
    return (
        post.topic_id == topic.pk
        and post.pk != topic.first_post_id
        and not (post.is_hidden or post.is_deleted)
    )


def check_accept_answer(user, topic: Topic, post: Post) -> None:
    check_view_topic(user, topic)
    if post.topic_id != topic.pk:
        raise Http404
    if not can_accept_answer(user, topic, post):
        raise PermissionDenied


def can_edit_post(user, post: Post) -> bool:
    return _may_edit(user, post, visible=can_view_post(user, post))


def _may_edit(user, post: Post, *, visible: bool) -> bool:
    return visible and (user.is_staff or user.pk == post.author_id)


def check_edit_post(user, post: Post) -> None:
    check_view_post(user, post)
    if not can_edit_post(user, post):
        raise PermissionDenied


def can_vote_post(user, post: Post) -> bool:
    return _someone_elses(user, post, visible=can_view_post(user, post))


def _someone_elses(user, post: Post, *, visible: bool) -> bool:
    return visible and user.pk != post.author_id


def check_vote_post(user, post: Post) -> None:
    check_view_post(user, post)
    if not can_vote_post(user, post):
        raise PermissionDenied


def can_like_post(user, post: Post) -> bool:
    return _someone_elses(user, post, visible=can_view_post(user, post))


def check_like_post(user, post: Post) -> None:
    check_view_post(user, post)
    if not can_like_post(user, post):
        raise PermissionDenied


@dataclass(frozen=True)
class PostActions:
    """What one person may do with one post: each field is the `can_*` function of its name."""

    view: bool
    vote: bool
    like: bool
    edit: bool
    history: bool
    accept: bool


def post_actions(user, topic: Topic, posts) -> dict[int, PostActions]:
    """`PostActions` for each of `posts` (posts of `topic`, e.g. one page of it), by the same
    rules as the `can_*` functions, with the topic's visibility (an audience check, the costly
    part) decided once for all of them rather than once per post and action."""
    topic_visible = can_view_topic(user, topic)
    may_accept = _may_accept_in(user, topic, topic_visible=topic_visible)
    actions = {}
    for post in posts:
        visible = _post_shown(user, post, topic_visible=topic_visible and post.topic_id == topic.pk)
        actions[post.pk] = PostActions(
            view=visible,
            vote=_someone_elses(user, post, visible=visible),
            like=_someone_elses(user, post, visible=visible),
            edit=_may_edit(user, post, visible=visible),
            history=_may_see_history(user, visible=visible),
            accept=may_accept and _acceptable(topic, post),
        )
    return actions


def can_watch_topic(user, topic: Topic) -> bool:
    return can_view_topic(user, topic)


def check_watch_topic(user, topic: Topic) -> None:
    check_view_topic(user, topic)


def can_watch_category(user, category: Category) -> bool:
    return can_view_category(user, category)


def check_watch_category(user, category: Category) -> None:
    check_view_category(user, category)


def can_bookmark_topic(user, topic: Topic) -> bool:
    return can_view_topic(user, topic)


def check_bookmark_topic(user, topic: Topic) -> None:
    check_view_topic(user, topic)


def can_view_history(user, post: Post) -> bool:
    """Readers see that a post was edited; staff see what changed."""
    return _may_see_history(user, visible=can_view_post(user, post))


def _may_see_history(user, *, visible: bool) -> bool:
    return visible and user.is_staff


def check_view_history(user, post: Post) -> None:
    check_view_post(user, post)
    if not can_view_history(user, post):
        raise PermissionDenied


def can_promote_topic(user, topic: Topic) -> bool:
    """Staff, on a solved question that has no article yet."""
    return (
        can_view_topic(user, topic)
        and user.is_staff
        and topic.is_question
        and topic.accepted_post_id is not None
        and topic.article_id is None
    )


def check_promote_topic(user, topic: Topic) -> None:
    check_view_topic(user, topic)
    if not can_promote_topic(user, topic):
        raise PermissionDenied


def can_upload_image(user) -> bool:
    return _active(user)


def can_view_image(user, image) -> bool:
    """An image attached to a post is seen by whoever may see the post; before that, only by
    the person who uploaded it."""
    if not _active(user):
        return False
    if image.post_id is None:
        return image.uploader_id == user.pk
    return can_view_post(user, image.post)


def check_view_image(user, image) -> None:
    if not can_view_image(user, image):
        raise Http404
