"""The forum's writes: counters, accepted answers, votes, edit history, body validation."""

import pytest
from django.core.exceptions import ValidationError

from community import services
from community.models import Post, PostRevision, Topic, Vote
from hub.search.models import IndexOutbox
from tests.community.conftest import make_topic


def test_topic_create_stores_rendered_first_post_and_tags(forum):
    topic = make_topic(
        forum.routers, forum.anna, title="  WAN   drops ", body="**Help** <script>x</script>",
        tags=["wan", " firmware ", ""],
    )  # fmt: skip
    topic.refresh_from_db()
    assert topic.title == "WAN drops"
    assert topic.reply_count == 0
    first = topic.first_post
    assert first.source == "**Help** <script>x</script>"
    assert "<strong>Help</strong>" in first.html and "<script" not in first.html
    assert first.text.startswith("Help") and first.render_version >= 1
    assert sorted(t.name for t in topic.tags.all()) == ["firmware", "wan"]
    assert IndexOutbox.objects.filter(doc_id=f"topic-{topic.pk}").exists()


def test_post_create_bumps_counters_in_the_same_transaction(forum):
    topic = make_topic(forum.routers, forum.anna)
    before = topic.last_activity_at
    services.post_create(topic=topic, author=forum.aki, body="Try a reboot.")
    services.post_create(topic=topic, author=forum.maria, body="Or update.")
    fresh = Topic.objects.get(pk=topic.pk)
    assert fresh.reply_count == 2 == topic.reply_count
    assert fresh.last_activity_at > before
    assert Post.objects.filter(topic=topic).count() == 3


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "Write something"), ("   \n ", "Write something"), ("x" * 20_001, "at most 20,000")],
)
def test_empty_and_oversize_bodies_are_refused(forum, body, message):
    topic = make_topic(forum.routers, forum.anna)
    with pytest.raises(ValidationError) as exc:
        services.post_create(topic=topic, author=forum.aki, body=body)
    assert message in " ".join(exc.value.message_dict["body"])
    with pytest.raises(ValidationError):
        make_topic(forum.routers, forum.anna, body=body)
    assert Topic.objects.get(pk=topic.pk).reply_count == 0


def test_a_body_of_exactly_the_limit_is_accepted(forum):
    topic = make_topic(forum.routers, forum.anna, body="y" * 20_000)
    assert len(topic.first_post.source) == 20_000


def test_empty_title_is_refused(forum):
    with pytest.raises(ValidationError) as exc:
        make_topic(forum.routers, forum.anna, title="   ")
    assert "title" in exc.value.message_dict


def test_accept_answer_and_replace_it(forum):
    topic = make_topic(forum.routers, forum.anna)
    first = services.post_create(topic=topic, author=forum.aki, body="One")
    second = services.post_create(topic=topic, author=forum.maria, body="Two")
    services.topic_accept_answer(topic=topic, post=first, by=forum.anna)
    assert Topic.objects.get(pk=topic.pk).accepted_post == first
    services.topic_accept_answer(topic=topic, post=second, by=forum.anna)
    assert Topic.objects.get(pk=topic.pk).accepted_post == second


def test_accept_refuses_the_question_itself_other_topics_and_discussions(forum):
    topic = make_topic(forum.routers, forum.anna)
    other = make_topic(forum.routers, forum.anna, title="Other")
    foreign = services.post_create(topic=other, author=forum.aki, body="Elsewhere")
    with pytest.raises(ValidationError):
        services.topic_accept_answer(topic=topic, post=topic.first_post, by=forum.anna)
    with pytest.raises(ValidationError):
        services.topic_accept_answer(topic=topic, post=foreign, by=forum.anna)
    talk = make_topic(forum.routers, forum.anna, kind="discussion", title="Talk")
    reply = services.post_create(topic=talk, author=forum.aki, body="Hi")
    with pytest.raises(ValidationError):
        services.topic_accept_answer(topic=talk, post=reply, by=forum.anna)


def test_vote_is_one_per_person_changeable_and_score_follows(forum):
    topic = make_topic(forum.routers, forum.anna)
    post = services.post_create(topic=topic, author=forum.aki, body="Answer")
    services.post_vote(post=post, user=forum.anna, value=1)
    services.post_vote(post=post, user=forum.anna, value=1)  # the same vote again: no change
    services.post_vote(post=post, user=forum.maria, value=1)
    assert Post.objects.get(pk=post.pk).score == 2
    services.post_vote(post=post, user=forum.anna, value=-1)
    assert Post.objects.get(pk=post.pk).score == 0
    assert Vote.objects.filter(post=post).count() == 2
    services.post_vote(post=post, user=forum.anna, value=0)
    assert Post.objects.get(pk=post.pk).score == 1 == post.score
    assert Vote.objects.filter(post=post).count() == 1


def test_vote_refuses_own_post_and_odd_values(forum):
    topic = make_topic(forum.routers, forum.anna)
    post = services.post_create(topic=topic, author=forum.aki, body="Answer")
    with pytest.raises(ValidationError):
        services.post_vote(post=post, user=forum.aki, value=1)
    with pytest.raises(ValidationError):
        services.post_vote(post=post, user=forum.anna, value=5)
    assert Post.objects.get(pk=post.pk).score == 0


def test_edit_keeps_history_and_rerenders(forum):
    topic = make_topic(forum.routers, forum.anna, body="first *draft*")
    post = topic.first_post
    services.post_edit(post=post, by=forum.anna, body="second **take**")
    services.post_edit(post=post, by=forum.maria, body="third")
    post.refresh_from_db()
    assert post.source == "third" and post.html == "<p>third</p>" and post.edited_at
    history = list(PostRevision.objects.filter(post=post).order_by("created_at", "pk"))
    assert [r.source for r in history] == ["first *draft*", "second **take**"]
    assert [r.edited_by for r in history] == [forum.anna, forum.maria]


def test_edit_with_the_same_text_writes_no_revision(forum):
    topic = make_topic(forum.routers, forum.anna, body="same")
    services.post_edit(post=topic.first_post, by=forum.anna, body="same")
    assert not PostRevision.objects.exists()
    assert Post.objects.get(pk=topic.first_post.pk).edited_at is None


def test_rerender_updates_posts_of_an_older_renderer(forum):
    import io

    from django.core.management import call_command

    topic = make_topic(forum.routers, forum.anna, body="**new** <script>x</script>")
    Post.objects.filter(pk=topic.first_post_id).update(
        html="<p>stale</p>", text="stale", render_version=0
    )
    out = io.StringIO()
    call_command("community_rerender", stdout=out)
    post = Post.objects.get(pk=topic.first_post_id)
    assert post.html == "<p><strong>new</strong> </p>" and post.render_version >= 1
    assert "re-rendered 1 posts" in out.getvalue()
    call_command("community_rerender", stdout=out)
    assert "re-rendered 0 posts" in out.getvalue()
