"""For every page type and document of the knowledge hub (and the training and event pages),
a person outside the audience cannot reach the thing by any route, and a person inside can:
by URL, in its listing, in the news feed, as a related link, through a preview or "view as"
URL, by document or image id, by the actions that take its id, and in the search fallback.

Everything here is restricted to routers: Anna (routers, Finland) is inside, Clara (switches,
Germany) outside. Each type is one test that walks every route that applies to it."""

import datetime
import io
from dataclasses import dataclass, field

import pytest
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.images import get_image_model

from hub.search import query as search_query
from knowledge import feeds
from knowledge.models import (
    ArticlePage,
    DocumentLibraryPage,
    NewsIndexPage,
    NewsPage,
    SectionPage,
)
from learning.models import CourseIndexPage, CoursePage, EventIndexPage, EventPage, LessonPage
from tests.knowledge.conftest import add_document, add_page

pytestmark = pytest.mark.django_db

MARK = "Zephyr"  # in every restricted title: what the search fallback looks for


@dataclass
class Case:
    title: str
    url: str  # where the thing itself is served
    listed_at: str | None = None  # a page that lists it (open to both)
    page_id: int | None = None  # for the preview, "view as" and admin routes
    searchable: bool = False
    in_feed: bool = False
    related_from: str | None = None  # an open page that links to it
    posts: list[str] = field(default_factory=list)  # actions that take its id


def _png():
    buffer = io.BytesIO()
    PILImage.new("RGB", (6, 4), "navy").save(buffer, format="PNG")
    buffer.seek(0)
    return buffer


def _build(world) -> dict[str, Case]:
    from django.core.files.images import ImageFile

    router = {"products": [world.router]}
    root = world.root
    open_section = add_page(root, SectionPage, title="Open help")
    news = add_page(root, NewsIndexPage, title="News", slug="news")
    library = add_page(root, DocumentLibraryPage, title="Documents", slug="documents")
    training = add_page(root, CourseIndexPage, title="Training", slug="training")
    events = add_page(root, EventIndexPage, title="Events", slug="events")

    section = add_page(root, SectionPage, title=f"{MARK} routers", **router)
    article = add_page(open_section, ArticlePage, title=f"{MARK} setup", **router)
    inherited = add_page(section, ArticlePage, title=f"{MARK} inherited guide")
    news_item = add_page(
        news, NewsPage, title=f"{MARK} firmware news", date=datetime.date(2027, 1, 5), **router
    )
    news_index = add_page(root, NewsIndexPage, title=f"{MARK} router news", **router)
    library_page = add_page(root, DocumentLibraryPage, title=f"{MARK} router library", **router)
    document = add_document(f"{MARK} manual", **router)
    course_index = add_page(root, CourseIndexPage, title=f"{MARK} training", **router)
    course = add_page(training, CoursePage, title=f"{MARK} course", summary="Routers.", **router)
    lesson = add_page(
        course,
        LessonPage,
        title=f"{MARK} lesson",
        duration_minutes=10,
        body=[("paragraph", "<p>Lesson text</p>")],
    )
    event_index = add_page(root, EventIndexPage, title=f"{MARK} events", **router)
    start = datetime.datetime(2030, 3, 1, 9, tzinfo=datetime.UTC)
    event = add_page(
        events,
        EventPage,
        title=f"{MARK} webinar",
        start=start,
        end=start + datetime.timedelta(hours=2),
        time_zone="Europe/Helsinki",
        online_url="https://meet.example.com/secret-room",
        **router,
    )
    image = get_image_model().objects.create(
        title=f"{MARK} wiring", file=ImageFile(_png(), name="wiring.png")
    )
    illustrated = add_page(
        section,
        ArticlePage,
        title=f"{MARK} illustrated guide",
        body=[("image", {"image": image, "alt_text": "Wiring", "caption": ""})],
    )
    rendition = image.get_rendition("max-1200x1200")
    # An open article that links to the restricted article and document.
    linking = add_page(
        open_section,
        ArticlePage,
        title="For everyone",
        body=[("related_article", article), ("document", document)],
    )

    def page_case(page, listed_at, **extra):
        return Case(title=page.title, url=page.url, listed_at=listed_at, page_id=page.pk, **extra)

    return {
        "section": page_case(section, root.url),
        "article": page_case(
            article,
            open_section.url,
            searchable=True,
            related_from=linking.url,
            posts=[
                reverse("knowledge:article_feedback", args=[article.pk]),
                reverse("knowledge:subscribe", args=[article.pk]),
            ],
        ),
        "article in a restricted section": page_case(
            inherited,
            section.url,
            searchable=True,
            posts=[reverse("knowledge:article_feedback", args=[inherited.pk])],
        ),
        "news index": page_case(news_index, root.url),
        "news item": page_case(news_item, news.url, searchable=True, in_feed=True),
        "document library": page_case(library_page, root.url),
        "document": Case(
            title=document.title,
            url=document.url,
            listed_at=library.url,
            searchable=True,
            related_from=linking.url,
        ),
        "image rendition": Case(
            title=illustrated.title,
            url=reverse("knowledge:image", args=[rendition.file.name]),
        ),
        # Course and event indexes are reached from the navigation, not listed on the root.
        "course index": page_case(course_index, None),
        "course": page_case(
            course,
            training.url,
            searchable=True,
            posts=[reverse("learning:course_start", args=[course.pk])],
        ),
        "lesson": page_case(
            lesson,
            course.url,
            searchable=True,
            posts=[reverse("learning:lesson_complete", args=[lesson.pk])],
        ),
        "event index": page_case(event_index, None),
        "event": page_case(
            event,
            events.url,
            searchable=True,
            posts=[reverse("learning:event_register", args=[event.pk])],
        ),
        "event calendar file": Case(
            title=event.title, url=reverse("learning:event_ics", args=[event.pk])
        ),
    }


def _fallback_titles(user) -> set[str]:
    results = search_query.search(user, query=MARK)
    assert results.degraded  # the database fallback answered
    return {hit.title_html.replace("<mark>", "").replace("</mark>", "") for hit in results.hits}


@pytest.mark.parametrize(
    "kind",
    [
        "section",
        "article",
        "article in a restricted section",
        "news index",
        "news item",
        "document library",
        "document",
        "image rendition",
        "course index",
        "course",
        "lesson",
        "event index",
        "event",
        "event calendar file",
    ],
)
def test_outside_the_audience_no_route_reaches_it(client, world, settings, kind):
    settings.MEILISEARCH_URL = "http://127.0.0.1:9"  # nothing answers: the fallback searches
    case = _build(world)[kind]

    # By URL.
    client.force_login(world.anna)
    assert client.get(case.url).status_code == 200
    client.force_login(world.clara)
    assert client.get(case.url).status_code == 404
    client.logout()
    assert client.get(case.url).status_code in (302, 404)  # sign-in first, never the content

    # In the listing that shows things of its kind.
    if case.listed_at:
        for person, present in ((world.anna, True), (world.clara, False)):
            client.force_login(person)
            html = client.get(case.listed_at).content.decode()
            assert (case.title in html) is present, person

    # As a related link from an open page.
    if case.related_from:
        for person, present in ((world.anna, True), (world.clara, False)):
            client.force_login(person)
            html = client.get(case.related_from).content.decode()
            assert (case.title in html) is present, person
            assert (case.url in html) is present, person

    # In the person's private news feed.
    if case.in_feed:
        for person, present in ((world.anna, True), (world.clara, False)):
            feed = client.get(feeds.feed_url_for(person)).content.decode()
            assert (case.title in feed) is present, person

    # Through preview URLs: the page's own `?preview`, Wagtail's admin preview, "view as".
    if case.page_id:
        client.force_login(world.clara)
        assert client.get(f"{case.url}?preview=true").status_code == 404
        for url in (
            reverse("wagtailadmin_pages:preview_on_edit", args=[case.page_id]),
            reverse("wagtailadmin_pages:view_draft", args=[case.page_id]),
            reverse("knowledge:view_as_page", args=[case.page_id]),
        ):
            response = client.get(url)
            assert response.status_code in (302, 403, 404), url
            assert case.title not in response.content.decode()

    # Actions that take its id.
    for url in case.posts:
        client.force_login(world.clara)
        assert client.post(url, {"helpful": "yes"}).status_code == 404, url

    # In the search (the database fallback while Meilisearch is away).
    if case.searchable:
        assert case.title in _fallback_titles(world.anna)
    assert not any(MARK in title for title in _fallback_titles(world.clara))


def test_a_document_by_id_with_any_file_name(client, world):
    """The serve view takes an id and a name: neither a guessed name nor a bare id gets a
    person outside the audience the file."""
    document = add_document(f"{MARK} price list", products=[world.router])
    client.force_login(world.clara)
    for name in ("guess.pdf", document.filename, "x"):
        url = reverse("wagtaildocs_serve", args=[document.pk, name])
        assert client.get(url).status_code == 404, url
    client.force_login(world.anna)
    url = reverse("wagtaildocs_serve", args=[document.pk, document.filename])
    assert client.get(url).status_code == 200
