"""The forum pages as a person uses them: forms keep what was typed, preview renders safely."""

from django.urls import reverse

from community import services
from community.models import Post, Topic
from tests.community.conftest import make_topic


def test_index_lists_visible_categories_with_counts_and_an_empty_state(client, forum):
    make_topic(forum.routers, forum.anna)
    client.force_login(forum.anna)
    page = client.get(reverse("community:index")).content.decode()
    assert "Routers" in page and "General" in page and "1 topic" in page
    empty = client.get(reverse("community:category", args=["general"])).content.decode()
    assert "No topics here yet" in empty


def test_new_topic_preview_keeps_everything_typed(client, forum):
    client.force_login(forum.anna)
    url = reverse("community:new_topic", args=["routers"])
    data = {"kind": "question", "title": "VPN is down", "body": "It **fails** <script>x</script>",
            "tags": "vpn, ipsec", "preview": "1"}  # fmt: skip
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<strong>fails</strong>" in page and "<script>x" not in page
    assert 'value="VPN is down"' in page and "vpn, ipsec" in page
    assert "It **fails** &lt;script&gt;x&lt;/script&gt;" in page
    assert not Topic.objects.exists()


def test_new_topic_is_created_and_shown(client, forum):
    client.force_login(forum.anna)
    response = client.post(
        reverse("community:new_topic", args=["routers"]),
        {"kind": "question", "title": "VPN is down", "body": "Help", "tags": "vpn"},
    )
    topic = Topic.objects.get()
    assert response.status_code == 302 and response["Location"] == topic.get_absolute_url()
    assert topic.product == forum.routers.product
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "VPN is down" in page and "<p>Help</p>" in page


def test_oversize_reply_is_refused_and_the_text_stays_in_the_form(client, forum):
    topic = make_topic(forum.routers, forum.anna)
    client.force_login(forum.aki)
    body = "marker-text " + "x" * 20_000
    response = client.post(reverse("community:reply", args=[topic.pk]), {"body": body})
    page = response.content.decode()
    assert response.status_code == 400
    assert "at most 20,000 characters" in page
    assert body in page
    assert Topic.objects.get(pk=topic.pk).reply_count == 0


def test_empty_reply_and_empty_new_topic_are_refused_with_a_message(client, forum):
    topic = make_topic(forum.routers, forum.anna)
    client.force_login(forum.aki)
    response = client.post(reverse("community:reply", args=[topic.pk]), {"body": "  "})
    assert response.status_code == 400 and "Write something" in response.content.decode()
    response = client.post(
        reverse("community:new_topic", args=["routers"]),
        {"kind": "question", "title": "Kept title", "body": ""},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Write something" in page and 'value="Kept title"' in page


def test_reply_accept_and_the_answer_shows_under_the_question(client, forum):
    topic = make_topic(forum.routers, forum.anna, body="The question body")
    client.force_login(forum.aki)
    response = client.post(reverse("community:reply", args=[topic.pk]), {"body": "Reboot it"})
    answer = Post.objects.get(topic=topic, source="Reboot it")
    assert response.status_code == 302 and f"#post-{answer.pk}" in response["Location"]
    client.force_login(forum.anna)
    client.post(reverse("community:accept", args=[answer.pk]))
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "Solved" in page
    question_at = page.index("The question body")
    accepted_at = page.index('id="accepted-heading"')
    assert question_at < accepted_at < page.index("1 reply")


def test_edit_shows_edited(client, forum):
    topic = make_topic(forum.routers, forum.anna, body="Before")
    client.force_login(forum.anna)
    url = reverse("community:edit_post", args=[topic.first_post_id])
    assert "Before" in client.get(url).content.decode()
    response = client.post(url, {"body": "After"})
    assert response.status_code == 302
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "<p>After</p>" in page and "edited" in page


def test_vote_buttons_toggle(client, forum):
    topic = make_topic(forum.routers, forum.anna)
    answer = services.post_create(topic=topic, author=forum.aki, body="Answer")
    client.force_login(forum.anna)
    client.post(reverse("community:vote", args=[answer.pk]), {"value": "1"})
    page = client.get(topic.get_absolute_url()).content.decode()
    assert 'aria-pressed="true"' in page
    client.post(reverse("community:vote", args=[answer.pk]), {"value": "0"})
    assert Post.objects.get(pk=answer.pk).score == 0
    client.post(reverse("community:vote", args=[answer.pk]), {"value": "nonsense"})
    assert Post.objects.get(pk=answer.pk).score == 0


def test_topic_pages_paginate_replies(client, forum):
    topic = make_topic(forum.routers, forum.anna)
    for i in range(25):
        services.post_create(topic=topic, author=forum.aki, body=f"reply-{i:02d}")
    client.force_login(forum.anna)
    first = client.get(topic.get_absolute_url()).content.decode()
    second = client.get(topic.get_absolute_url() + "?page=2").content.decode()
    assert "reply-19" in first and "reply-20" not in first
    assert "reply-20" in second and "reply-24" in second and "Page 2 of 2" in second
