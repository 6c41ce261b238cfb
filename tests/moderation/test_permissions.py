"""Only moderators moderate: customers and staff without the permission get 403 on every
moderation URL, GET or POST; flagging follows the forum's audience (404 outside it); every
state change needs CSRF."""

import pytest
from django.test import Client
from django.urls import reverse

from community import services as community_services
from moderation import permissions, services
from moderation.models import Flag, Restriction
from tests.moderation.conftest import make_topic


def _urls(topic, post, member, restriction):
    return [
        reverse("moderation:queue"),
        reverse("moderation:log"),
        reverse("moderation:member", args=[member.pk]),
        *(
            reverse("moderation:post_action", args=[post.pk, a])
            for a in ("hide", "restore", "delete", "undelete", "dismiss")
        ),
        *(
            reverse("moderation:topic_action", args=[topic.pk, a])
            for a in ("lock", "unlock", "pin", "unpin", "delete", "undelete", "move", "merge")
        ),
        *(reverse("moderation:member_action", args=[member.pk, a]) for a in ("silence", "suspend")),
        reverse("moderation:lift", args=[restriction.pk]),
    ]


@pytest.fixture
def world(forum, mod):
    topic = make_topic(forum.routers, forum.anna)
    post = community_services.post_create(topic=topic, author=forum.aki, body="Spam spam")
    restriction = services.member_restrict(
        member=forum.aki, kind="silence", days=1, by=mod, reason="Calm down"
    )
    return topic, post, restriction


@pytest.mark.django_db
def test_is_moderator(forum, mod):
    assert permissions.is_moderator(mod)
    assert not permissions.is_moderator(forum.anna)
    assert not permissions.is_moderator(forum.maria)  # staff, but without the permission
    forum.maria.is_superuser = True
    assert permissions.is_moderator(forum.maria)
    mod.is_active = False
    assert not permissions.is_moderator(mod)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anna", "clara", "maria"])
def test_non_moderators_get_403_everywhere_and_change_nothing(client, forum, world, who):
    topic, post, restriction = world
    client.force_login(getattr(forum, who))
    for url in _urls(topic, post, forum.aki, restriction):
        assert client.get(url).status_code in (403, 405), url
        data = {"reason": "x", "days": "1", "category": forum.general.pk, "target": topic.pk}
        assert client.post(url, data).status_code == 403, url
    post.refresh_from_db()
    topic.refresh_from_db()
    restriction.refresh_from_db()
    assert not (post.is_hidden or post.is_deleted or topic.is_locked or topic.is_deleted)
    assert restriction.lifted_at is None


@pytest.mark.django_db
def test_moderators_open_every_page(client, forum, mod, world):
    topic, post, restriction = world
    client.force_login(mod)
    for url in _urls(topic, post, forum.aki, restriction)[:-1]:
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in(client, world, forum):
    topic, post, restriction = world
    for url in [*_urls(topic, post, forum.aki, restriction), reverse("moderation:flag", args=[1])]:
        response = client.post(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url, url


@pytest.mark.django_db
def test_flag_outside_the_audience_is_404(client, forum):
    lounge = make_topic(forum.lounge, forum.clara, title="Partner pricing")
    client.force_login(forum.anna)
    url = reverse("moderation:flag", args=[lounge.first_post_id])
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "spam"}).status_code == 404
    assert (
        client.post(reverse("moderation:flag", args=[999999]), {"reason": "spam"}).status_code
        == 404
    )
    assert not Flag.objects.exists()


@pytest.mark.django_db
def test_state_changes_need_csrf(forum, mod, world):
    _topic, post, _restriction = world
    anna = Client(enforce_csrf_checks=True)
    anna.force_login(forum.anna)
    assert (
        anna.post(reverse("moderation:flag", args=[post.pk]), {"reason": "spam"}).status_code == 403
    )
    assert not Flag.objects.exists()
    moderator = Client(enforce_csrf_checks=True)
    moderator.force_login(mod)
    url = reverse("moderation:post_action", args=[post.pk, "hide"])
    assert moderator.post(url, {"reason": "Spam"}).status_code == 403
    url = reverse("moderation:member_action", args=[forum.anna.pk, "suspend"])
    assert moderator.post(url, {"reason": "x", "days": "1"}).status_code == 403
    post.refresh_from_db()
    assert not post.is_hidden
    assert not Restriction.objects.filter(user=forum.anna).exists()


@pytest.mark.django_db
def test_dashboard_panel_only_for_moderators(client, forum, mod, world):
    _topic, post, _restriction = world
    services.flag_create(post=post, user=forum.anna, reason="spam")
    client.force_login(mod)
    assert "1 flagged post waits for a decision." in client.get("/").content.decode()
    client.force_login(forum.anna)
    body = client.get("/").content.decode()
    assert "flagged post" not in body and reverse("moderation:queue") not in body
