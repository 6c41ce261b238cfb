"""Who may do what with courses and events. Content visibility is hub/audience.py; a page the
person may not see does not exist for them (404), on every route that names it by id."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from hub import audience
from learning.models import CoursePage, EventPage, LessonPage


def access_page_by_id(user, model, page_id: int):
    """The live page of this type the person may see, else 404 (never 403: existence of a
    restricted page is private)."""
    page = get_object_or_404(model, pk=page_id)
    if not audience.visible_to(user, page):
        raise Http404
    return page


def access_course(user, course_id: int) -> CoursePage:
    return access_page_by_id(user, CoursePage, course_id)


def access_lesson(user, lesson_id: int) -> LessonPage:
    return access_page_by_id(user, LessonPage, lesson_id)


def access_event(user, event_id: int) -> EventPage:
    return access_page_by_id(user, EventPage, event_id)


def can_see_online_link(state) -> bool:
    """The online link is for people with a confirmed place (not the waiting list)."""
    return bool(state and state.is_registered)
