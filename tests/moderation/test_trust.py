"""New members' limits (posting rate, links per post), silence and suspension: the forum's forms
show the reason and keep the person's text; a suspension ends sessions and blocks signing in."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from community import services as community_services
from community.models import Post, Topic
from moderation import services, trust
from tests.moderation.conftest import make_topic

LINKS = "See https://a.example, http://b.example and www.c.example for cheap routers."


@pytest.fixture
def limits(settings):
    settings.MODERATION_NEW_MEMBER_POSTS = (3, 600)
    settings.MODERATION_NEW_MEMBER_LINKS = 2
    settings.MODERATION_TRUSTED_CONTRIBUTIONS = 2


def test_count_links():
    assert trust.count_links(LINKS) == 3
    assert trust.count_links("[doc](/knowledge/x/) and ![img](//cdn.example/a.png)") == 1
    assert trust.count_links("mailto:me@example.com and ftp://x.example") == 2
    assert trust.count_links("no links: 10:30, a/b, http") == 0


@pytest.mark.django_db
def test_too_many_links_are_refused_and_the_text_stays(client, forum, limits):
    topic = make_topic(forum.routers, forum.aki)
    client.force_login(forum.anna)
    response = client.post(reverse("community:reply", args=[topic.pk]), {"body": LINKS})
    assert response.status_code == 400
    body = response.content.decode()
    assert "New members can put at most 2 links in a post" in body
    assert "www.c.example for cheap routers" in body  # kept in the form
    assert topic.posts.count() == 1
    # New topic and edit are limited the same way.
    response = client.post(
        reverse("community:new_topic", args=["routers"]),
        {"kind": "question", "title": "Links", "body": LINKS},
    )
    assert response.status_code == 400 and "cheap routers" in response.content.decode()
    own = community_services.post_create(topic=topic, author=forum.anna, body="Plain")
    response = client.post(reverse("community:edit_post", args=[own.pk]), {"body": LINKS})
    assert response.status_code == 400 and "at most 2 links" in response.content.decode()


@pytest.mark.django_db
def test_new_members_are_rate_limited_and_keep_their_text(client, forum, limits):
    topic = make_topic(forum.routers, forum.aki)
    client.force_login(forum.anna)
    url = reverse("community:reply", args=[topic.pk])
    for i in range(3):
        assert client.post(url, {"body": f"Reply {i}"}).status_code == 302
    response = client.post(url, {"body": "The fourth, typed with care"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "New members can post 3 times in 10 minutes" in body
    assert "The fourth, typed with care" in body
    assert Post.objects.filter(author=forum.anna).count() == 3
    # Code outside a web request (seeding, imports) is not limited; restrictions still are.
    community_services.post_create(topic=topic, author=forum.anna, body="From a command")


@pytest.mark.django_db
def test_trusted_members_and_staff_have_no_limits(client, forum, limits):
    topic = make_topic(forum.routers, forum.anna)
    for i in range(2):
        answer = community_services.post_create(topic=topic, author=forum.aki, body=f"Good {i}")
        community_services.post_vote(post=answer, user=forum.anna, value=1)
    assert trust.trust_level(forum.aki) == trust.TRUST_MEMBER
    assert trust.trust_level(forum.anna) == trust.TRUST_NEW
    assert trust.trust_level(forum.maria) == trust.TRUST_MEMBER
    client.force_login(forum.aki)
    for i in range(5):
        response = client.post(
            reverse("community:reply", args=[topic.pk]), {"body": LINKS + str(i)}
        )
        assert response.status_code == 302


@pytest.mark.django_db
def test_silenced_member_sees_why_and_until_when(client, forum, mod):
    topic = make_topic(forum.routers, forum.aki)
    services.member_restrict(member=forum.anna, kind="silence", days=3, by=mod, reason="Flame war")
    client.force_login(forum.anna)
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "You cannot post until" in page and "Flame war" in page  # the banner
    response = client.post(reverse("community:reply", args=[topic.pk]), {"body": "But listen"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Reason: Flame war" in body and "But listen" in body
    with pytest.raises(ValidationError):
        community_services.topic_create(
            category=forum.routers, author=forum.anna, kind="question", title="T", body="B"
        )
    assert not Topic.objects.filter(author=forum.anna).exists()
    assert "Flame war" in client.get(reverse("moderation:notices")).content.decode()
    # Lifting it lets her post again at once.
    restriction = forum.anna.moderation_restrictions.get()
    services.member_lift(restriction=restriction, by=mod, reason="Calmer now")
    assert (
        client.post(reverse("community:reply", args=[topic.pk]), {"body": "Thanks"}).status_code
        == 302
    )


@pytest.mark.django_db
def test_suspension_ends_sessions_and_blocks_sign_in(client, forum, mod):
    anna = Client()
    anna.post(
        reverse("account_login"),
        {"login": forum.anna.email, "password": "correct horse battery"},
    )
    assert anna.get(reverse("community:index")).status_code == 200
    moderator = Client()
    moderator.force_login(mod)
    url = reverse("moderation:member_action", args=[forum.anna.pk, "suspend"])
    response = moderator.post(url, {"days": "7", "reason": "Repeated spam"})
    assert response.status_code == 302
    # Her open session is over: every page is a 403 that says why, then she is signed out.
    response = anna.get(reverse("community:index"))
    assert response.status_code == 403
    assert "Repeated spam" in response.content.decode()
    response = anna.get(reverse("community:index"))
    assert response.status_code == 302 and "/accounts/login/" in response.url
    # Signing in again is refused with the reason.
    response = anna.post(
        reverse("account_login"),
        {"login": forum.anna.email, "password": "correct horse battery"},
    )
    assert response.status_code == 403
    assert "Your account is suspended until" in response.content.decode()
    assert anna.get(reverse("community:index")).status_code == 302
    # Staff cannot be suspended here.
    with pytest.raises(ValidationError):
        services.member_restrict(member=forum.maria, kind="suspend", days=1, by=mod, reason="x")


@pytest.mark.django_db
def test_restriction_form_errors(client, forum, mod):
    client.force_login(mod)
    url = reverse("moderation:member_action", args=[forum.anna.pk, "silence"])
    response = client.post(url, {"days": "7", "reason": ""})
    assert response.status_code == 400 and "Give a reason" in response.content.decode()
    assert client.post(url, {"days": "9999", "reason": "x"}).status_code == 400
    assert not forum.anna.moderation_restrictions.exists()
