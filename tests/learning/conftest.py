"""The knowledge tests' small world (Anna: routers, Finland, technician; Clara: switches,
Germany, partner; Erik: editor), plus training and event pages built as editors build them."""

import datetime

import pytest
from django.utils import timezone

from learning.models import CourseIndexPage, CoursePage, EventIndexPage, EventPage, LessonPage
from tests.knowledge.conftest import _private_folders, add_page, world  # noqa: F401

__all__ = ["add_page", "make_course", "make_event"]


@pytest.fixture
def course_index(world):  # noqa: F811
    return add_page(world.root, CourseIndexPage, title="Training", slug="training")


@pytest.fixture
def event_index(world):  # noqa: F811
    return add_page(world.root, EventIndexPage, title="Events", slug="events")


def make_course(index, title="Router basics", *, lessons=3, **audience):
    course = add_page(index, CoursePage, title=title, summary=f"{title} summary", **audience)
    for i in range(1, lessons + 1):
        add_page(
            course,
            LessonPage,
            title=f"{title} lesson {i}",
            slug=f"lesson-{i}",
            duration_minutes=10,
            body=[("paragraph", f"<p>Lesson {i} text</p>")],
        )
    return course


def lessons_of(course):
    return list(LessonPage.objects.child_of(course).order_by("path"))


def make_event(index, title="Router webinar", *, days=10, capacity=None, deadline=None, **extra):
    start = timezone.now() + datetime.timedelta(days=days)
    extra.setdefault("online_url", "https://meet.example.com/secret-room")
    return add_page(
        index,
        EventPage,
        title=title,
        start=start,
        end=start + datetime.timedelta(hours=2),
        time_zone=extra.pop("time_zone", "Europe/Helsinki"),
        capacity=capacity,
        registration_deadline=deadline,
        **extra,
    )
