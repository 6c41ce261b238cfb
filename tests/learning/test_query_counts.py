"""Training and event pages run a fixed number of SQL queries, however much content and
progress there is."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from learning import services
from learning.models import LessonPage
from tests.factories import make_member, make_org
from tests.learning.conftest import add_page, lessons_of, make_course, make_event

pytestmark = pytest.mark.django_db


def _grow(world, kind, ctx, n):
    course, event_index, course_index = ctx["course"], ctx["event_index"], ctx["course_index"]
    for _ in range(n):
        seq = LessonPage.objects.count()
        lesson = add_page(course, LessonPage, title=f"Extra lesson {seq}", products=[world.router])
        services.lesson_complete(user=world.anna, lesson=lesson)
        other = make_course(course_index, f"Course {seq}", lessons=2)
        services.lesson_complete(user=world.anna, lesson=lessons_of(other)[0])
        event = make_event(event_index, f"Event {seq}", capacity=1, products=[world.router])
        services.event_register(event=event, user=world.anna)
        services.event_register(event=event, user=ctx["other"])
        make_event(event_index, f"Past {seq}", days=-5)


def _setup(world, course_index, event_index):
    course = make_course(course_index, "Target course", lessons=2, products=[world.router])
    org = make_org(products=[world.router], regions=[world.finland])
    return {
        "course": course,
        "lesson": lessons_of(course)[0],
        "event": make_event(event_index, "Target event", capacity=3),
        "course_index": course_index,
        "event_index": event_index,
        "other": make_member(org),
    }


# Wagtail pages pay session + user, the reach, Wagtail's routing (site, one query per URL
# segment, the specific page), the effective audience (one UNION), view restrictions and the
# breadcrumbs' ancestors. Then: course: lessons, ticks, progress; lesson: its course, lessons,
# ticks, progress; event: the person's registration and the counts; lists: the page and the
# paginator's count. Registrations (a plain view): module access, upcoming + count, past,
# courses + count, two index links.
MAX_QUERIES = {
    "course": 19,
    "lesson": 22,
    "event": 18,
    "events": 16,
    "courses": 16,
    "registrations": 11,
}


def _url(kind, ctx):
    return {
        "course": ctx["course"].url,
        "lesson": ctx["lesson"].url,
        "event": ctx["event"].url,
        "events": ctx["event_index"].url,
        "courses": ctx["course_index"].url,
        "registrations": reverse("learning:registrations"),
    }[kind]


@pytest.mark.parametrize("kind", list(MAX_QUERIES))
def test_query_count_does_not_grow(
    client, world, course_index, event_index, kind, django_assert_max_num_queries
):
    ctx = _setup(world, course_index, event_index)
    services.lesson_complete(user=world.anna, lesson=ctx["lesson"])
    client.force_login(world.anna)
    url = _url(kind, ctx)
    counts = []
    for size in (1, 5):
        _grow(world, kind, ctx, size)
        client.get(url)  # warm the shared caches (taxonomy, site root, portal settings)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], f"{kind}: {counts}"
    with django_assert_max_num_queries(MAX_QUERIES[kind]):
        client.get(url)


def test_dashboard_panel_runs_a_fixed_number_of_queries(
    rf, world, course_index, event_index, django_assert_max_num_queries
):
    """The course in progress (1), its lessons and ticks (2), upcoming events (1), the two
    index links (1)."""
    from learning.dashboard import continue_learning

    ctx = _setup(world, course_index, event_index)
    services.lesson_complete(user=world.anna, lesson=ctx["lesson"])
    counts = []
    for size in (1, 5):
        _grow(world, "dashboard", ctx, size)
        request = rf.get("/")
        request.user = type(world.anna).objects.get(pk=world.anna.pk)
        continue_learning(request)  # the reach, computed once per request
        with CaptureQueriesContext(connection) as queries:
            panel = continue_learning(request)
        counts.append(len(queries))
        assert panel["resume"] is not None and len(panel["events"]) >= 2
    assert counts[0] == counts[1] <= 5, counts
