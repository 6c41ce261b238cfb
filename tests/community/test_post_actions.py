"""`permissions.post_actions` (a topic page's permissions in one pass) answers exactly what the
`can_*` functions answer one post at a time, for every kind of person and post."""

import pytest

from community import permissions, services
from community.models import Post, Topic
from tests.community.conftest import make_topic


def _fields(user, topic, post) -> dict[str, bool]:
    return {
        "view": permissions.can_view_post(user, post),
        "vote": permissions.can_vote_post(user, post),
        "like": permissions.can_like_post(user, post),
        "edit": permissions.can_edit_post(user, post),
        "history": permissions.can_view_history(user, post),
        "accept": permissions.can_accept_answer(user, topic, post),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["question", "discussion"])
@pytest.mark.parametrize("category", ["routers", "lounge"])
def test_post_actions_equal_the_one_by_one_checks(forum, kind, category):
    asker = forum.aki if category == "routers" else forum.clara  # the lounge is Clara's
    topic = make_topic(getattr(forum, category), asker, kind=kind)
    replies = [
        services.post_create(topic=topic, author=author, body=f"Reply {i}")
        for i, author in enumerate([forum.anna, forum.maria, forum.clara, topic.author] * 2)
    ]
    # Hidden, deleted, both, and one accepted answer among them.
    Post.objects.filter(pk=replies[4].pk).update(is_hidden=True)
    Post.objects.filter(pk=replies[5].pk).update(is_deleted=True)
    Post.objects.filter(pk=replies[6].pk).update(is_hidden=True, is_deleted=True)
    if kind == "question":
        services.topic_accept_answer(topic=topic, post=replies[0], by=topic.author)
    topic = Topic.objects.select_related("category").get(pk=topic.pk)
    posts = list(topic.posts.all())
    for post in posts:
        post.topic = topic
    seen = set()
    for user in (forum.anna, forum.aki, forum.clara, forum.maria):
        actions = permissions.post_actions(user, topic, posts)
        for post in posts:
            expected = _fields(user, topic, post)
            got = actions[post.pk]
            assert {name: getattr(got, name) for name in expected} == expected, (user, post)
            seen.update((name, value) for name, value in expected.items())
    # Every answer was both given and refused somewhere (accept: only on questions).
    assert len(seen) == (12 if kind == "question" else 11)
