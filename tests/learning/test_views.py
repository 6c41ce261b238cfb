"""Every surface applies the audience (404 outside it), state changes are POSTs with CSRF, and
the pages show progress, places and the waiting list."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from learning import services
from learning.models import CourseProgress, LessonCompletion, LessonPage, Registration
from tests.learning.conftest import add_page, lessons_of, make_course, make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def router_things(world, course_index, event_index):
    course = make_course(course_index, "Router course", products=[world.router])
    event = make_event(event_index, "Router training", products=[world.router], capacity=5)
    return course, lessons_of(course)[0], event


def test_clara_gets_404_on_every_route_of_annas_content(client, world, router_things):
    course, lesson, event = router_things
    client.force_login(world.clara)
    for url in (course.url, lesson.url, event.url, reverse("learning:event_ics", args=[event.pk])):
        assert client.get(url).status_code == 404, url
    for name, pk in (
        ("learning:course_start", course.pk),
        ("learning:lesson_complete", lesson.pk),
        ("learning:event_register", event.pk),
        ("learning:event_cancel", event.pk),
    ):
        assert client.post(reverse(name, args=[pk])).status_code == 404, name
    assert not Registration.objects.exists() and not LessonCompletion.objects.exists()
    # Not in the lists either.
    for index in (course.get_parent(), event.get_parent()):
        html = client.get(index.url).content.decode()
        assert "Router" not in html
    client.force_login(world.anna)
    for url in (course.url, lesson.url, event.url, reverse("learning:event_ics", args=[event.pk])):
        assert client.get(url).status_code == 200, url
    assert "Router course" in client.get(course.get_parent().url).content.decode()


def test_a_lesson_inherits_its_courses_audience(client, world, course_index):
    course = make_course(course_index, "Switch course", products=[world.switch])
    lesson = lessons_of(course)[0]
    client.force_login(world.anna)
    assert client.get(lesson.url).status_code == 404


def test_state_changes_need_post_and_csrf(world, router_things):
    _course, lesson, event = router_things
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.anna)
    assert client.get(reverse("learning:event_register", args=[event.pk])).status_code == 405
    assert client.get(reverse("learning:lesson_complete", args=[lesson.pk])).status_code == 405
    assert client.post(reverse("learning:event_register", args=[event.pk])).status_code == 403
    assert client.post(reverse("learning:lesson_complete", args=[lesson.pk])).status_code == 403
    assert not Registration.objects.exists() and not LessonCompletion.objects.exists()


def test_mark_as_done_goes_to_the_next_lesson_and_ticks_it(client, world, router_things):
    course, first, _event = router_things
    second = lessons_of(course)[1]
    client.force_login(world.anna)
    html = client.get(first.url).content.decode()
    assert "Mark as done, next lesson" in html and "Lesson 1 of 3" in html
    assert 'rel="next"' in html and 'rel="prev"' not in html
    response = client.post(reverse("learning:lesson_complete", args=[first.pk]))
    assert response.status_code == 302 and response.url == second.url
    html = client.get(course.url).content.decode()
    assert '<progress id="progress-course" max="3" value="1">' in html
    assert "Continue: Router course lesson 2" in html
    html = client.get("/").content.decode()
    assert "Continue where you left off" in html and "Continue: Router course lesson 2" in html


def test_finishing_the_last_lesson_completes_the_course(client, world, router_things):
    course, *_ = router_things
    client.force_login(world.anna)
    for lesson in lessons_of(course):
        response = client.post(reverse("learning:lesson_complete", args=[lesson.pk]))
    assert response.url == course.url
    assert CourseProgress.objects.get(user=world.anna).completed_at is not None
    assert "You have completed this course." in client.get(course.url).content.decode()


def test_start_course_goes_to_the_first_lesson(client, world, router_things):
    course, first, _ = router_things
    client.force_login(world.anna)
    assert "Start the course" in client.get(course.url).content.decode()
    response = client.post(reverse("learning:course_start", args=[course.pk]))
    assert response.url == first.url
    assert CourseProgress.objects.filter(user=world.anna, course=course).exists()


def test_register_shows_the_online_link_only_with_a_place(client, world, event_index):
    event = make_event(event_index, "Webinar", capacity=1)
    client.force_login(world.clara)
    services.event_register(event=event, user=world.anna)  # the only place
    html = client.get(event.url).content.decode()
    assert "secret-room" not in html and "Join the waiting list" in html
    response = client.post(reverse("learning:event_register", args=[event.pk]), follow=True)
    html = response.content.decode()
    assert "you are on the waiting list" in html and "secret-room" not in html
    ics = client.get(reverse("learning:event_ics", args=[event.pk])).content.decode()
    assert "secret-room" not in ics
    client.force_login(world.anna)
    assert "secret-room" in client.get(event.url).content.decode()
    ics_url = reverse("learning:event_ics", args=[event.pk])
    assert "secret-room" in client.get(ics_url).content.decode()
    # Anna cancels from her registrations page: Clara gets the place.
    response = client.post(
        reverse("learning:event_cancel", args=[event.pk]),
        {"next": reverse("learning:registrations")},
    )
    assert response.url == reverse("learning:registrations")
    assert Registration.objects.get(user=world.clara).status == Registration.Status.REGISTERED


def test_register_after_the_deadline_shows_a_clear_message(client, world, event_index):
    event = make_event(
        event_index,
        "Closed",
        deadline=timezone.now() - datetime.timedelta(hours=1),
        time_zone="Europe/Berlin",
    )
    client.force_login(world.anna)
    html = client.get(event.url).content.decode()
    assert "Registration for this event has closed." in html and "Europe/Berlin time" in html
    response = client.post(reverse("learning:event_register", args=[event.pk]), follow=True)
    assert "Registration for this event closed on" in response.content.decode()
    assert not Registration.objects.exists()


def test_times_are_shown_in_the_events_zone(client, world, event_index):
    event = make_event(event_index, "Berlin", time_zone="Europe/Berlin")
    event.start = datetime.datetime(2030, 1, 15, 9, 0, tzinfo=datetime.UTC)
    event.end = datetime.datetime(2030, 1, 15, 11, 30, tzinfo=datetime.UTC)
    event.save()
    client.force_login(world.anna)
    html = client.get(event.url).content.decode()
    assert "10:00" in html and "12:30" in html and "Europe/Berlin time" in html


def test_times_carry_their_offset_and_the_words_for_the_readers_own_time(
    client, world, event_index
):
    """The server's part of "your time": machine-readable times with the event's offset, the
    event's zone and the translated words on the element, and the script that uses them (a
    file: the CSP allows no inline script)."""
    event = make_event(event_index, "Helsinki webinar", time_zone="Europe/Helsinki")
    event.start = datetime.datetime(2030, 6, 3, 11, 0, tzinfo=datetime.UTC)
    event.end = datetime.datetime(2030, 6, 3, 12, 0, tzinfo=datetime.UTC)
    event.save()
    client.force_login(world.anna)
    for url in (event.url, event_index.url):
        html = client.get(url).content.decode()
        assert '<time datetime="2030-06-03T14:00:00+03:00">Mon 3 Jun 2030, 14:00</time>' in html
        assert '<time datetime="2030-06-03T15:00:00+03:00">15:00</time>' in html
        assert 'data-time-zone="Europe/Helsinki"' in html
        assert 'data-your-time="({time} your time)"' in html
        assert re.search(r'<script src="/static/js/event-times[.\w]*\.js" defer>', html), url
        assert "<script>" not in html


def test_pages_say_the_language_of_their_content(client, world, router_things):
    course, lesson, event = router_things
    for page in (course, lesson, event):
        page.language = "fi"
        page.save_revision().publish()
    client.force_login(world.anna)
    for page, element in ((course, "course"), (lesson, "lesson"), (event, "event")):
        html = client.get(page.url).content.decode()
        assert f'<article class="article {element}" lang="fi">' in html, page
        assert page.specific_class.objects.get(pk=page.pk).search_document()["language"] == "fi"
    # The portal's own words inside them stay in the reader's language.
    assert '<dl class="facts event-facts" lang="en">' in client.get(event.url).content.decode()


def test_events_list_has_upcoming_and_past_tabs(client, world, event_index):
    make_event(event_index, "Upcoming webinar", days=3)
    make_event(event_index, "Old webinar", days=-30)
    client.force_login(world.anna)
    html = client.get(event_index.url).content.decode()
    assert "Upcoming webinar" in html and "Old webinar" not in html
    html = client.get(event_index.url + "?when=past").content.decode()
    assert "Old webinar" in html and "Upcoming webinar" not in html


def test_registrations_page(client, world, router_things):
    _course, lesson, event = router_things
    services.event_register(event=event, user=world.anna)
    services.lesson_complete(user=world.anna, lesson=lesson)
    client.force_login(world.anna)
    html = client.get(reverse("learning:registrations")).content.decode()
    assert "Router training" in html and "Router course" in html
    assert "1 of 3 lessons done" in html
    overview = client.get(reverse("accounts:overview")).content.decode()
    assert reverse("learning:registrations") in overview


def test_registrations_page_follows_the_module_switch(client, world):
    from accounts.models import Membership, PortalProfile

    profile = PortalProfile.objects.create(
        name="No registrations", slug="no-registrations", show_registrations=False
    )
    Membership.objects.filter(user=world.anna).update(portal_profile=profile)
    client.force_login(world.anna)
    assert client.get(reverse("learning:registrations")).status_code == 404
    client.logout()
    assert client.get(reverse("learning:registrations")).status_code == 302


def test_editors_can_add_every_page_type_where_it_belongs(client, world, router_things):
    from knowledge.models import KnowledgeIndexPage
    from learning.models import CourseIndexPage, EventIndexPage

    assert {CourseIndexPage, EventIndexPage} <= set(KnowledgeIndexPage.allowed_subpage_models())
    course, _lesson, event = router_things
    client.force_login(world.editor)
    for model, parent in (
        ("coursepage", course.get_parent()),
        ("lessonpage", course),
        ("eventpage", event.get_parent()),
    ):
        url = f"/admin/pages/add/learning/{model}/{parent.pk}/"
        response = client.get(url)
        assert response.status_code == 200, url
    for page in (course, event):
        response = client.get(f"/admin/pages/{page.pk}/edit/")
        assert response.status_code == 200
        assert "Effective audience" in response.content.decode()


def test_course_list_counts_only_the_lessons_the_person_may_see(client, world, course_index):
    """The counts come for the whole page at once (selectors.with_lesson_counts): a lesson
    outside the person's audience is neither counted nor, once completed, counted as done."""
    first = make_course(course_index, "Router basics", lessons=3)
    make_course(course_index, "Router advanced", lessons=2)
    german = add_page(
        first, LessonPage, title="German extra", slug="german-extra", regions=[world.germany]
    )
    lessons = lessons_of(first)
    services.lesson_complete(user=world.anna, lesson=lessons[0])
    LessonCompletion.objects.create(
        user=world.anna, lesson=german, course=first
    )  # before it narrowed
    client.force_login(world.anna)
    html = client.get(course_index.url).content.decode()
    assert "3 lessons · 1 of 3 done" in " ".join(html.split())
    assert "2 lessons" in html
    client.force_login(world.clara)  # in Germany: the extra lesson is hers to see
    assert "4 lessons" in client.get(course_index.url).content.decode()
