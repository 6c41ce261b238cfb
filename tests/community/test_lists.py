"""Topic lists: latest, unanswered, solved, mine, bookmarks; filters; keyset pagination that
neither skips nor repeats a topic (even with equal timestamps) and costs the same deep down."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from community import selectors, services
from community.models import Topic
from tests.community.conftest import make_topic

# Signed-in page: session + user (2), the reach (4); the page's rows (1) and the categories
# for the filter (1) = 8. No COUNT: keyset pagination.
MAX_LIST_QUERIES = 8


def _titles(page) -> list[str]:
    return [t.title for t in page.topics]


def _walk(user, filters, per_page=7) -> list[str]:
    seen, after = [], None
    for _ in range(100):
        page = selectors.topic_feed(user, filters, after=after, per_page=per_page)
        seen += _titles(page)
        if not page.next_cursor:
            return seen
        after = page.next_cursor
    raise AssertionError("no end")


def test_keyset_pages_cover_every_topic_once_in_order(forum):
    now = timezone.now()
    for i in range(30):
        topic = make_topic(forum.routers, forum.anna, title=f"T{i:02d}")
        # Every third pair shares a timestamp: the id breaks the tie.
        Topic.objects.filter(pk=topic.pk).update(last_activity_at=now - timedelta(minutes=i // 3))
    filters = selectors.Filters(category=forum.routers)
    walked = _walk(forum.anna, filters)
    expected = list(
        Topic.objects.order_by("-last_activity_at", "-pk").values_list("title", flat=True)
    )
    assert walked == expected and len(set(walked)) == 30

    # And back: "newer" from the third page gives the second page.
    first = selectors.topic_feed(forum.anna, filters, per_page=7)
    second = selectors.topic_feed(forum.anna, filters, after=first.next_cursor, per_page=7)
    third = selectors.topic_feed(forum.anna, filters, after=second.next_cursor, per_page=7)
    back = selectors.topic_feed(forum.anna, filters, before=third.prev_cursor, per_page=7)
    assert _titles(back) == _titles(second) and not back.is_first
    back_to_start = selectors.topic_feed(forum.anna, filters, before=second.prev_cursor, per_page=7)
    assert _titles(back_to_start) == _titles(first) and back_to_start.is_first


def test_pinned_topics_lead_the_first_page_of_a_category_only(forum):
    for i in range(5):
        make_topic(forum.routers, forum.anna, title=f"T{i}")
    pinned = make_topic(forum.routers, forum.anna, title="Read me first")
    Topic.objects.filter(pk=pinned.pk).update(
        is_pinned=True, last_activity_at=timezone.now() - timedelta(days=9)
    )
    filters = selectors.Filters(category=forum.routers)
    first = selectors.topic_feed(forum.anna, filters, per_page=3)
    assert [t.title for t in first.pinned] == ["Read me first"]
    assert "Read me first" not in _walk(forum.anna, filters, per_page=3)
    second = selectors.topic_feed(forum.anna, filters, after=first.next_cursor, per_page=3)
    assert second.pinned == []


def test_shows_and_filters(forum):
    router = {"product": forum.router}
    open_q = make_topic(forum.routers, forum.aki, title="Open question", tags=["wan"], **router)
    solved = make_topic(forum.routers, forum.aki, title="Solved question", tags=["vpn"], **router)
    answer = services.post_create(topic=solved, author=forum.anna, body="Answer")
    services.topic_accept_answer(topic=solved, post=answer, by=forum.aki)
    make_topic(forum.general, forum.anna, title="Talk", kind="discussion")
    lounge = make_topic(forum.lounge, forum.clara, title="Partner only")
    hidden = make_topic(forum.routers, forum.anna, title="Hidden")
    Topic.objects.filter(pk=hidden.pk).update(is_hidden=True)
    services.topic_bookmark_toggle(topic=open_q, user=forum.anna)

    def titles(show="latest", user=forum.anna, **kw):
        return set(_walk(user, selectors.Filters(show=show, **kw)))

    assert titles() == {"Open question", "Solved question", "Talk"}
    assert titles(user=forum.maria) >= {"Partner only", "Hidden"}
    assert titles("unanswered") == {"Open question"}
    assert titles("solved") == {"Solved question"}
    assert titles("mine") == {"Solved question", "Talk"}  # started one, replied to the other
    assert titles("bookmarks") == {"Open question"}
    assert titles(tag="vpn") == {"Solved question"}
    assert titles(product="router-r") == {"Open question", "Solved question"}
    assert titles(category=forum.general) == {"Talk"}
    aki = services.handle_for(forum.aki)
    assert titles(author_handle=aki, author=forum.aki) == {"Open question", "Solved question"}
    assert titles(author_handle="nobody-at-all", author=None) == set()
    assert lounge.title not in titles(user=forum.anna)


def test_list_pages_render_with_filters_and_empty_states(client, forum):
    make_topic(forum.routers, forum.aki, title="Router thing", tags=["wan"])
    client.force_login(forum.anna)
    page = client.get(reverse("community:latest")).content.decode()
    assert "Router thing" in page and 'aria-current="page"' in page
    assert "Router thing" not in client.get(reverse("community:solved")).content.decode()
    page = client.get(reverse("community:bookmarks")).content.decode()
    assert "No bookmarks yet" in page
    page = client.get(reverse("community:latest") + "?tag=wan").content.decode()
    assert "Router thing" in page and "Clear filters" in page
    # A category outside the person's audience is not a filter they can use.
    assert client.get(reverse("community:latest") + "?category=partner-lounge").status_code == 404
    assert client.get(reverse("community:latest") + "?after=garbage").status_code == 200


@pytest.mark.django_db
def test_list_query_count_is_fixed_at_any_size_and_depth(client, forum):
    client.force_login(forum.anna)
    url = reverse("community:latest")

    def count(u):
        client.get(u)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(u)
        assert response.status_code == 200
        return len(queries)

    counts = []
    for total in (5, 70):
        while Topic.objects.count() < total:
            make_topic(forum.routers, forum.aki, title=f"T{Topic.objects.count()}", tags=["x"])
        counts.append(count(url))
    assert counts[0] == counts[1] <= MAX_LIST_QUERIES, counts
    page = selectors.topic_feed(forum.anna, selectors.Filters())
    deeper = selectors.topic_feed(forum.anna, selectors.Filters(), after=page.next_cursor)
    assert count(f"{url}?after={deeper.next_cursor}") <= MAX_LIST_QUERIES
    category_url = reverse("community:category", args=["routers"])
    assert count(f"{category_url}?after={page.next_cursor}") <= 13
