"""Thin views: find the page the person may see (404 otherwise), call a service, go back."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import check_view_module
from learning import ics, permissions, selectors, services
from learning.models import PER_PAGE, Registration


def _back(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@require_POST
def course_start(request, course_id: int):
    course = permissions.access_course(request.user, course_id)
    services.course_start(user=request.user, course=course)
    outline = selectors.course_outline(course=course, user=request.user)
    step = outline.next_step or outline.first_step
    return redirect(step.lesson.url if step else course.url)


@require_POST
def lesson_complete(request, lesson_id: int):
    lesson = permissions.access_lesson(request.user, lesson_id)
    progress, following = services.lesson_complete(user=request.user, lesson=lesson)
    if following is not None:
        return redirect(following.url)
    if progress.completed_at:
        messages.success(request, _("Well done: you have completed this course."))
    return redirect(progress.course.url)


@require_POST
def event_register(request, event_id: int):
    event = permissions.access_event(request.user, event_id)
    try:
        registration = services.event_register(event=event, user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if registration.status == Registration.Status.WAITLISTED:
            messages.warning(
                request,
                _(
                    "The event is full: you are on the waiting list. If a place frees up, it "
                    "is yours and we will let you know."
                ),
            )
        else:
            messages.success(request, _("You are registered. See you there!"))
    return redirect(_back(request, event.url))


@require_POST
def event_cancel(request, event_id: int):
    event = permissions.access_event(request.user, event_id)
    try:
        services.event_cancel(event=event, user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Your registration for %(event)s is cancelled.") % {"event": event.title}
        )
    return redirect(_back(request, event.url))


@require_GET
def event_ics(request, event_id: int):
    event = permissions.access_event(request.user, event_id)
    state = selectors.event_state(event=event, user=request.user)
    page_url = request.build_absolute_uri(event.url)
    parts = [event.summary] if event.summary else []
    parts.append(
        _("Times are in %(zone)s: %(start)s – %(end)s.")  # noqa: RUF001
        % {
            "zone": event.time_zone,
            "start": event.local_start.strftime("%Y-%m-%d %H:%M"),
            "end": event.local_end.strftime("%Y-%m-%d %H:%M"),
        }
    )
    location = event.location
    if event.online_url and permissions.can_see_online_link(state):
        parts.append(_("Join online: %(url)s") % {"url": event.online_url})
        location = location or event.online_url
    parts.append(page_url)
    body = ics.event_calendar(
        uid=f"event-{event.pk}@{request.get_host().split(':')[0]}",
        title=event.title,
        start=event.start,
        end=event.end,
        description="\n\n".join(parts),
        location=location,
        url=page_url,
        prodid=f"-//{settings.WAGTAIL_SITE_NAME}//Events//EN",
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    filename = slugify(event.title) or f"event-{event.pk}"
    response["Content-Disposition"] = f'attachment; filename="{filename}.ics"'
    return response


@require_GET
def registrations(request):
    """The account module: the person's event registrations and course progress."""
    check_view_module(request.user, "registrations")
    upcoming = Paginator(selectors.registrations_of(user=request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    past = list(selectors.registrations_of(user=request.user, past=True)[:10])
    courses = Paginator(selectors.progress_of(user=request.user), PER_PAGE).get_page(
        request.GET.get("courses")
    )
    courses.object_list = selectors.with_lesson_counts(
        courses.object_list, user=request.user, course=lambda progress: progress.course
    )
    return render(
        request,
        "learning/registrations.html",
        {
            "upcoming": upcoming,
            "past": past,
            "courses": courses,
            "indexes": selectors.index_pages(user=request.user),
        },
    )
