"""Progress through courses, and registrations: capacity, waiting list in order, deadline,
cancel and promotion."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from learning import selectors, services
from learning.models import CourseProgress, LessonCompletion, Registration
from notifications.models import Notification
from tests.factories import make_member, make_org
from tests.learning.conftest import lessons_of, make_course, make_event

pytestmark = pytest.mark.django_db

R, W, C = (Registration.Status.REGISTERED, Registration.Status.WAITLISTED, "cancelled")


def test_completing_lessons_starts_and_completes_the_course(world, course_index):
    course = make_course(course_index, lessons=3)
    first, second, third = lessons_of(course)
    progress, following = services.lesson_complete(user=world.anna, lesson=first)
    assert following.pk == second.pk
    assert progress.started_at and progress.completed_at is None
    # Out of order: the last lesson points back to the one still missing.
    progress, following = services.lesson_complete(user=world.anna, lesson=third)
    assert following.pk == second.pk
    progress, following = services.lesson_complete(user=world.anna, lesson=second)
    assert following is None
    progress.refresh_from_db()
    assert progress.completed_at is not None
    # Idempotent.
    services.lesson_complete(user=world.anna, lesson=second)
    assert LessonCompletion.objects.filter(user=world.anna).count() == 3
    assert CourseProgress.objects.filter(user=world.anna).count() == 1


def test_outline_and_continue(world, course_index):
    course = make_course(course_index, lessons=4)
    lessons = lessons_of(course)
    assert selectors.continue_learning(user=world.anna) is None
    services.course_start(user=world.anna, course=course)
    resume = selectors.continue_learning(user=world.anna)
    assert resume.course.pk == course.pk and resume.next_lesson.pk == lessons[0].pk
    services.lesson_complete(user=world.anna, lesson=lessons[0])
    services.lesson_complete(user=world.anna, lesson=lessons[1])
    resume = selectors.continue_learning(user=world.anna)
    assert (resume.done, resume.total, resume.percent) == (2, 4, 50)
    assert resume.next_lesson.pk == lessons[2].pk
    outline = selectors.course_outline(course=course, user=world.anna)
    assert [s.done for s in outline.steps] == [True, True, False, False]
    for lesson in lessons[2:]:
        services.lesson_complete(user=world.anna, lesson=lesson)
    assert selectors.continue_learning(user=world.anna) is None  # finished: nothing to continue


def test_continue_skips_courses_the_person_may_no_longer_see(world, course_index):
    course = make_course(course_index, products=[world.router])
    services.course_start(user=world.anna, course=course)
    course.audience_products = [world.switch]
    course.save()
    assert selectors.continue_learning(user=world.anna) is None


def test_capacity_and_waiting_list_promoted_in_order(world, event_index):
    event = make_event(event_index, capacity=1)
    org = make_org(products=[world.router], regions=[world.finland])
    a, b, c = (make_member(org) for _ in range(3))
    assert services.event_register(event=event, user=a).status == R
    assert services.event_register(event=event, user=b).status == W
    assert services.event_register(event=event, user=c).status == W
    # Registering twice changes nothing.
    assert services.event_register(event=event, user=b).status == W
    # b leaves the queue: c moves up but stays waiting (the place is still a's).
    services.event_cancel(event=event, user=b)
    assert Registration.objects.get(event=event, user=c).status == W
    # b comes back: at the end of the queue.
    services.event_register(event=event, user=b)
    services.event_cancel(event=event, user=a)
    statuses = {r.user_id: r.status for r in Registration.objects.filter(event=event)}
    assert statuses == {a.pk: C, b.pk: W, c.pk: R}
    promoted = Registration.objects.get(event=event, user=c)
    assert promoted.promoted_at is not None
    # The promoted person (only they) is told, with a link to the event.
    told = Notification.objects.filter(kind="learning.promoted")
    assert [(n.recipient_id, n.url) for n in told] == [(c.pk, event.url)]
    state = selectors.event_state(event=event, user=b)
    assert (state.registered, state.waitlisted, state.ahead) == (1, 1, 0)


def test_raising_the_capacity_fills_from_the_waiting_list(world, event_index):
    event = make_event(event_index, capacity=1)
    org = make_org(products=[world.router])
    people = [make_member(org) for _ in range(3)]
    for person in people:
        services.event_register(event=event, user=person)
    event.capacity = 2
    event.save_revision().publish()  # the page_published signal fills the new place
    statuses = [Registration.objects.get(event=event, user=p).status for p in people]
    assert statuses == [R, R, W]


def test_registration_after_the_deadline_is_refused(world, event_index):
    deadline = timezone.now() + datetime.timedelta(days=1)
    event = make_event(event_index, days=5, deadline=deadline, time_zone="Europe/Berlin")
    services.event_register(event=event, user=world.anna, now=deadline - datetime.timedelta(1))
    with pytest.raises(ValidationError) as exc:
        services.event_register(event=event, user=world.clara, now=deadline)
    assert "closed" in exc.value.messages[0] and "Europe/Berlin" in exc.value.messages[0]
    assert not Registration.objects.filter(user=world.clara).exists()


def test_cancel_needs_a_registration_and_a_future_event(world, event_index):
    event = make_event(event_index, days=1)
    with pytest.raises(ValidationError):
        services.event_cancel(event=event, user=world.anna)
    services.event_register(event=event, user=world.anna)
    with pytest.raises(ValidationError):
        services.event_cancel(event=event, user=world.anna, now=event.start)
    services.event_cancel(event=event, user=world.anna)
    assert Registration.objects.get(user=world.anna).status == C


def test_lists_are_upcoming_first_and_past_apart(world, event_index):
    soon = make_event(event_index, "Soon", days=1)
    later = make_event(event_index, "Later", days=20)
    past = make_event(event_index, "Past", days=-3)
    hidden = make_event(event_index, "Switch only", days=2, products=[world.switch])
    upcoming = list(selectors.events_for(user=world.anna, index=event_index))
    assert [e.pk for e in upcoming] == [soon.pk, later.pk]
    assert [e.pk for e in selectors.events_for(user=world.anna, past=True)] == [past.pk]
    clara = [e.pk for e in selectors.events_for(user=world.clara, index=event_index)]
    assert clara == [soon.pk, hidden.pk, later.pk]
    services.event_register(event=later, user=world.anna)
    dashboard = selectors.upcoming_events_for(user=world.anna)
    assert [e.pk for e in dashboard] == [later.pk, soon.pk]
    assert dashboard[0].my_status == R
