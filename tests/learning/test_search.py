"""Courses, lessons and events reach the search index with their effective audience; drafts,
unpublished and deleted pages leave it."""

import pytest

from hub.search import services
from hub.search.models import IndexOutbox
from learning.models import EventPage, LessonPage
from tests.learning.conftest import lessons_of, make_course, make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(world, course_index, event_index):
    routers = make_course(course_index, "Firmware course for routers", products=[world.router])
    make_course(course_index, "Firmware course for everyone", lessons=1)
    make_event(event_index, "Firmware webinar for switches", products=[world.switch])
    return routers


def _titles(client, person) -> set[str]:
    client.force_login(person)
    response = client.get("/search/", {"q": "firmware"})
    assert response.status_code == 200
    return {hit.title for hit in response.context["results"].hits}


ANNA = {
    "Firmware course for routers",
    "Firmware course for routers lesson 1",
    "Firmware course for routers lesson 2",
    "Firmware course for routers lesson 3",
    "Firmware course for everyone",
    "Firmware course for everyone lesson 1",
}
CLARA = {
    "Firmware course for everyone",
    "Firmware course for everyone lesson 1",
    "Firmware webinar for switches",
}


def test_search_uses_the_effective_audience(client, world, content, meilisearch):
    services.outbox_drain()
    assert _titles(client, world.anna) == ANNA
    assert _titles(client, world.clara) == CLARA


def test_the_fallback_gives_the_same_answer(client, world, content, meilisearch):
    meilisearch.stop()
    try:
        assert _titles(client, world.anna) == ANNA
        assert _titles(client, world.clara) == CLARA
    finally:
        meilisearch.start()


def test_documents_follow_publishing(world, content):
    lesson = lessons_of(content)[0]
    document = lesson.search_document()
    assert document["products"] == ["router"]  # inherited from the course
    assert document["url"] == lesson.url
    lesson.unpublish()
    assert LessonPage.objects.get(pk=lesson.pk).search_document() is None
    event = EventPage.objects.get()
    assert event.search_document()["published_at"] == int(event.start.timestamp())
    IndexOutbox.objects.all().delete()
    event.delete()
    assert IndexOutbox.objects.exists()  # the deletion reaches the index through the outbox
