"""The audience-keyed page cache (knowledge/page_cache.py): a cached page is shared only by
people with exactly the same reach, never shows another audience's content or another
person's vote, comment or CSRF token, and an editor's change (restricting, unpublishing) takes
effect on the next request. The person's own parts, the header's count and the site it reads
in the same round trip follow their changes at once. Plus the reach cache of hub/audience.py it
stands on."""

import re

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from wagtail.models import Site

from accounts.services import membership_set
from knowledge.models import ArticlePage, SectionPage
from knowledge.page_cache import HEADER
from notifications.services import notify
from tests.conftest import require
from tests.factories import make_member
from tests.knowledge.conftest import add_document, add_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(world):
    section = add_page(world.root, SectionPage, title="Open")
    router_doc = add_document("Router secrets manual", products=[world.router])
    switch_doc = add_document("Switch secrets manual", products=[world.switch])
    router_only = add_page(section, ArticlePage, title="Router-only guide", products=[world.router])
    return add_page(
        section,
        ArticlePage,
        title="Shared article",
        body=[
            ("paragraph", "<p>For everyone.</p>"),
            ("document", router_doc),
            ("document", switch_doc),
            ("related_article", router_only),
        ],
    )


def _client(user, *, csrf=False):
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def _get(client, url):
    response = client.get(url)
    return response, response.content.decode()


def _csrf_tokens(html: str) -> list[str]:
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)


def test_readers_of_different_reach_never_share_a_page(world, article):
    anna, clara = _client(world.anna), _client(world.clara)
    response, html = _get(anna, article.url)
    assert response[HEADER] == "miss" and "Router secrets manual" in html
    response, html = _get(anna, article.url)
    assert response[HEADER] == "hit"
    assert "Router secrets manual" in html and "Router-only guide" in html
    assert "Switch secrets manual" not in html

    response, html = _get(clara, article.url)
    assert response[HEADER] == "miss"
    assert "Switch secrets manual" in html
    assert "Router secrets manual" not in html and "Router-only guide" not in html
    response, html = _get(clara, article.url)
    assert response[HEADER] == "hit"
    assert "Router secrets manual" not in html and "Router-only guide" not in html


def test_same_reach_shares_the_page_but_not_the_personal_parts(world, article):
    aurora = world.anna.memberships.get().organisation
    anne = make_member(aurora, roles=[world.technician], email="anne@aurora.test")
    anna = _client(world.anna, csrf=True)
    anna.get(article.url)
    token = _csrf_tokens(anna.get(article.url).content.decode())[0]
    anna.post(
        f"/knowledge-hub/articles/{article.pk}/feedback/",
        {"helpful": "no", "comment": "anna-private-remark", "csrfmiddlewaretoken": token},
    )
    response, html = _get(anna, article.url)
    assert response[HEADER] == "hit" and "anna-private-remark" in html

    other = _client(anne)
    response, html = _get(other, article.url)
    assert response[HEADER] == "hit"  # the same reach: Anna's entry serves Anne
    assert "anna-private-remark" not in html
    assert "You found this not helpful" not in html
    assert "anna@aurora.test" not in html
    other_secret = other.cookies["csrftoken"].value
    assert other_secret != anna.cookies["csrftoken"].value
    tokens = _csrf_tokens(html)
    assert tokens and all(_unmask_cipher_token(t) == other_secret for t in tokens)


def test_a_page_restricted_after_it_was_cached_is_gone_at_once(world, article):
    clara = _client(world.clara)
    _get(clara, article.url)
    assert _get(clara, article.url)[0][HEADER] == "hit"

    page = ArticlePage.objects.get(pk=article.pk)
    page.audience_products = [world.router]
    page.save_revision(user=world.editor).publish()

    assert clara.get(article.url).status_code == 404
    assert _client(world.anna).get(article.url).status_code == 200


def test_narrowing_the_section_reaches_cached_pages_below(world, article):
    clara = _client(world.clara)
    section = SectionPage.objects.get(title="Open")
    _get(clara, section.url)
    _get(clara, article.url)
    section.audience_regions = [world.finland]
    section.save_revision(user=world.editor).publish()
    assert clara.get(section.url).status_code == 404
    assert clara.get(article.url).status_code == 404


def test_unpublished_and_deleted_pages_leave_the_cache(world, article):
    anna = _client(world.anna)
    _get(anna, article.url)
    ArticlePage.objects.get(pk=article.pk).unpublish()
    assert anna.get(article.url).status_code == 404


def test_staff_and_odd_query_strings_are_never_cached(world, article):
    editor = _client(world.editor)
    for _ in range(2):
        response = editor.get(article.url)
        assert response.status_code == 200 and HEADER not in response
    anna = _client(world.anna)
    for _ in range(2):
        response = anna.get(f"{article.url}?utm=1")
        assert response.status_code == 200 and HEADER not in response


def test_a_section_page_is_cached_per_page_number(world):
    section = add_page(world.root, SectionPage, title="Many")
    for i in range(25):
        add_page(section, ArticlePage, title=f"Article {i:02d}")
    anna = _client(world.anna)
    first = _get(anna, section.url)[1]
    assert _get(anna, section.url)[0][HEADER] == "hit"
    second_response, second = _get(anna, f"{section.url}?page=2")
    assert second_response[HEADER] == "miss"
    assert "Article 24" in second and "Article 24" not in first


def test_a_cached_hit_runs_only_session_and_user_queries(
    world, article, django_assert_max_num_queries
):
    anna = _client(world.anna)
    anna.get(article.url)
    # session and user; the person's own vote and subscription are cached beside the page
    with django_assert_max_num_queries(2):
        response = anna.get(article.url)
    assert response[HEADER] == "hit"


def test_the_reach_follows_membership_changes(world, article):
    """The reach is cached across requests; a new membership counts on the next request."""
    router_only = ArticlePage.objects.get(title="Router-only guide")
    clara = _client(world.clara)
    assert clara.get(router_only.url).status_code == 404
    aurora = world.anna.memberships.get().organisation
    membership_set(user=world.clara, organisation=aurora, roles=[])
    assert clara.get(router_only.url).status_code == 200
    aurora.products.set([world.switch])
    assert clara.get(router_only.url).status_code == 404


def test_own_parts_of_a_cached_page_follow_subscriptions_and_votes(world, article):
    anna = _client(world.anna)
    subscription_url = f"/knowledge-hub/pages/{article.pk}/subscription/"
    anna.get(article.url)
    response, html = _get(anna, article.url)
    assert response[HEADER] == "hit" and "Subscribe to updates" in html
    anna.post(subscription_url, {"subscribed": "1"})
    response, html = _get(anna, article.url)
    assert response[HEADER] == "hit" and "You follow this page." in html
    anna.post(subscription_url, {"subscribed": "0"})
    response, html = _get(anna, article.url)
    assert "You follow this page." not in html and "Subscribe to updates" in html
    anna.post(f"/knowledge-hub/articles/{article.pk}/feedback/", {"helpful": "yes"})
    response, html = _get(anna, article.url)
    assert response[HEADER] == "hit" and "You found this helpful." in html


def test_the_header_count_on_a_cached_page_follows_new_notifications(
    world, article, django_capture_on_commit_callbacks
):
    anna = _client(world.anna)
    anna.get(article.url)
    response, html = _get(anna, article.url)
    assert response[HEADER] == "hit" and 'class="badge count"' not in html
    with django_capture_on_commit_callbacks(execute=True):
        notify([world.anna], kind="knowledge.updated", title="Changed", url=article.url)
    response, html = _get(anna, article.url)
    assert response[HEADER] == "hit"
    assert html.count('class="badge count">1<') == 2  # the narrow menu and the wide bar


def test_a_site_change_counts_at_once(world, article):
    anna = _client(world.anna)
    for url in (article.url, f"{article.url}?utm=1"):
        assert anna.get(url).status_code == 200
        assert anna.get(url).status_code == 200  # the site (and the page) from the cache
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.is_default_site = "elsewhere.test", False
    site.save()
    for url in (article.url, f"{article.url}?utm=1"):
        assert anna.get(url).status_code == 404


@pytest.fixture
def cache_round_trips(monkeypatch):
    """The names of the Redis operations the cache performs (each one round trip)."""
    backend = caches["default"]
    require(isinstance(backend, RedisCache), "the Redis cache (REDIS_URL)")
    client = backend._cache
    calls: list[str] = []

    def counting(name, original):
        def counted(*args, **kwargs):
            calls.append(name)
            return original(*args, **kwargs)

        return counted

    for name in ("get", "get_many", "set", "add", "delete", "set_many", "delete_many", "incr"):
        monkeypatch.setattr(client, name, counting(name, getattr(client, name)))
    return calls


def test_a_kept_page_takes_one_cache_round_trip_and_one_query(
    world, article, cache_round_trips, django_assert_num_queries
):
    anna = _client(world.anna)
    anna.get(article.url)
    cache_round_trips.clear()
    with django_assert_num_queries(1):  # the user; the session comes from the cache
        assert anna.get(article.url)[HEADER] == "hit"
    # The request's read-ahead (hub/cache.py): the session (cached_db, hub/sessions.py), the
    # person's restriction, reach, unread count, the portal settings, and the page kept for
    # them with what it counts under (the content version, their stamp).
    assert cache_round_trips == ["get_many"]


def test_the_route_entry_follows_renames_and_audience_changes(world, article):
    """Past the page cache (any query string) the routing still reads the page and its audience
    from the route entry; an editor's change counts at once all the same."""
    clara = _client(world.clara)
    url = f"{article.url}?utm=1"
    assert clara.get(url).status_code == 200
    assert clara.get(url).status_code == 200  # routed from the entry
    page = ArticlePage.objects.get(pk=article.pk)
    page.audience_products = [world.router]
    page.save_revision(user=world.editor).publish()
    assert clara.get(url).status_code == 404
    anna = _client(world.anna)
    assert anna.get(url).status_code == 200
    page = ArticlePage.objects.get(pk=article.pk)
    page.slug = "renamed-article"
    page.save_revision(user=world.editor).publish()
    assert anna.get(url).status_code == 404
    renamed = ArticlePage.objects.get(pk=article.pk).url
    assert renamed.endswith("/renamed-article/") and anna.get(f"{renamed}?utm=1").status_code == 200


def test_a_page_with_view_restrictions_is_never_shared(world, article):
    """Wagtail's view restrictions (groups) are checked on every request, never skipped by a
    copy that someone in the group left in the cache."""
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    insiders = Group.objects.create(name="Insiders")
    world.anna.groups.add(insiders)
    restriction = PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(insiders)
    aurora = world.anna.memberships.get().organisation
    anne = make_member(aurora, roles=[world.technician], email="anne@aurora.test")
    anna = _client(world.anna)
    for _ in range(2):
        response = anna.get(article.url)
        assert response.status_code == 200 and response[HEADER] == "miss"
    assert _client(anne).get(article.url).status_code == 302
    restriction.groups.remove(insiders)
    assert anna.get(article.url).status_code == 302  # the change counts at once


def test_a_new_release_never_serves_pages_the_previous_one_rendered(world, article, monkeypatch):
    from knowledge import page_cache

    anna = _client(world.anna)
    monkeypatch.setattr(page_cache, "release_id", lambda: "release-1")
    anna.get(article.url)
    assert anna.get(article.url)[HEADER] == "hit"
    monkeypatch.setattr(page_cache, "release_id", lambda: "release-2")  # a deploy
    assert anna.get(article.url)[HEADER] == "miss"
    assert anna.get(article.url)[HEADER] == "hit"


# --- a person's kept page --------------------------------------------------------------------


def test_a_repeat_visit_is_the_persons_kept_page_with_a_fresh_working_csrf_token(world, article):
    """A page rendered for a person (here the first visit) is kept for them; the next visit is
    that page again, rendered by no template, with a new CSRF token that a form on it can post
    with. The stand-in for the token never reaches a browser."""
    from hub.context_processors import csrf_hole

    anna = _client(world.anna, csrf=True)
    first = anna.get(article.url)
    assert first[HEADER] == "miss" and first.templates
    second = anna.get(article.url)
    html = second.content.decode()
    assert second[HEADER] == "hit" and not second.templates  # nothing rendered
    assert "Shared article" in html and "Router secrets manual" in html
    tokens = _csrf_tokens(html)
    assert tokens and len(set(tokens)) == 1 and tokens[0] not in first.content.decode()
    assert all(csrf_hole() not in r.content.decode() for r in (first, second))
    response = anna.post(
        f"/knowledge-hub/articles/{article.pk}/feedback/",
        {"helpful": "yes", "csrfmiddlewaretoken": tokens[0]},
    )
    assert response.status_code == 302
    html = anna.get(article.url).content.decode()
    assert "You found this helpful." in html
    missing = anna.get("/knowledge/no-such-page/")
    assert missing.status_code == 404 and csrf_hole() not in missing.content.decode()


def test_a_kept_page_is_rendered_again_for_messages_banners_languages_and_reach(world, article):
    from moderation.services import member_restrict

    anna = _client(world.anna)
    anna.get(article.url)
    assert not anna.get(article.url).templates
    # A message to show once (after subscribing) is shown, then the page is kept again.
    anna.post(f"/knowledge-hub/pages/{article.pk}/subscription/", {"subscribed": "1"})
    response = anna.get(article.url)
    assert response.templates and "Subscribed: you will be told" in response.content.decode()
    assert "Subscribed: you will be told" not in anna.get(article.url).content.decode()
    # Another language is another page.
    anna.post("/i18n/setlang/", {"language": "fi", "next": article.url})
    response = anna.get(article.url)
    assert response.templates and response["Content-Language"] == "fi"
    anna.post("/i18n/setlang/", {"language": "en", "next": article.url})
    assert not anna.get(article.url).templates
    # A silenced member sees the banner on every page.
    member_restrict(member=world.anna, kind="silence", days=1, by=world.editor, reason="Calm")
    for _ in range(2):
        response = anna.get(article.url)
        assert response.templates and "moderation-banner" in response.content.decode()
    # A person whose reach changed never gets the page they were kept.
    other = _client(world.clara)
    router_only = ArticlePage.objects.get(title="Router-only guide")
    aurora = world.anna.memberships.get().organisation
    membership_set(user=world.clara, organisation=aurora, roles=[])
    for _ in range(3):
        assert other.get(router_only.url).status_code == 200
    world.clara.memberships.filter(organisation=aurora).delete()
    assert other.get(router_only.url).status_code == 404
