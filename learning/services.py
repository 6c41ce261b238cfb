"""Writes of the learning app: progress through courses, registrations for events.

Registrations are serialised per event by locking the event's row (`select_for_update`), so the
capacity check, the queue position and the promotion from the waiting list never race: two
people asking for the last place get one place and one waiting-list position, in that order.
"""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from hub import audience
from learning.models import (
    ACTIVE,
    CoursePage,
    CourseProgress,
    EventPage,
    LessonCompletion,
    LessonPage,
    Registration,
)

log = logging.getLogger(__name__)

PROMOTED_KIND = "learning.promoted"


# --- Training ----------------------------------------------------------------------------------


def course_of(lesson: LessonPage) -> CoursePage:
    return CoursePage.objects.get(path=lesson.path[: -lesson.steplen])


@transaction.atomic
def course_start(*, user, course: CoursePage) -> CourseProgress:
    """Record that the person started the course (again: only the activity time moves)."""
    now = timezone.now()
    progress, created = CourseProgress.objects.get_or_create(
        user=user, course=course, defaults={"started_at": now, "updated_at": now}
    )
    if not created:
        progress.updated_at = now
        progress.save(update_fields=["updated_at"])
    return progress


@transaction.atomic
def lesson_complete(*, user, lesson: LessonPage) -> tuple[CourseProgress, LessonPage | None]:
    """Mark the lesson done (idempotent), start the course if needed, and complete the course
    when every lesson the person may see is done. Returns the progress and where to go next:
    the following lesson, else the first one not done yet, else None (the course is done).
    The caller has checked that the person may see the lesson."""
    from learning.selectors import course_outline

    course = course_of(lesson)
    now = timezone.now()
    progress, _created = CourseProgress.objects.get_or_create(
        user=user, course=course, defaults={"started_at": now, "updated_at": now}
    )
    LessonCompletion.objects.get_or_create(
        user=user, lesson=lesson, defaults={"course": course, "completed_at": now}
    )
    outline = course_outline(course=course, user=user)
    fields = ["updated_at"]
    progress.updated_at = now
    if outline.complete and progress.completed_at is None:
        progress.completed_at = now
        fields.append("completed_at")
    progress.save(update_fields=fields)

    pks = [step.lesson.pk for step in outline.steps]
    following = None
    if lesson.pk in pks:
        later = outline.steps[pks.index(lesson.pk) + 1 :]
        following = next((s.lesson for s in later if not s.done), None)
    if following is None and outline.next_step is not None:
        following = outline.next_step.lesson
    return progress, following


# --- Events ------------------------------------------------------------------------------------


def _lock_event(event: EventPage) -> EventPage:
    """The event's row, locked until the transaction ends (a no-op on SQLite, which serialises
    writers anyway)."""
    return EventPage.objects.select_for_update(of=("self",)).get(pk=event.pk)


def _when(value, event: EventPage) -> str:
    local = timezone.localtime(value, event.zone)
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} ({event.time_zone})"


@transaction.atomic
def event_register(*, event: EventPage, user, now=None) -> Registration:
    """A place for the person, or a place on the waiting list when the event is full.
    Idempotent for someone already registered or waiting. Raises ValidationError when
    registration has closed. The caller has checked that the person may see the event."""
    now = now or timezone.now()
    event = _lock_event(event)
    if not event.registration_open(now):
        raise ValidationError(
            _("Registration for this event closed on %(when)s."),
            params={"when": _when(event.closes_at, event)},
            code="closed",
        )
    existing = Registration.objects.filter(event=event, user=user).first()
    if existing is not None and existing.is_active:
        return existing
    queue = Registration.objects.filter(event=event)
    taken = queue.filter(status=Registration.Status.REGISTERED).count()
    position = (queue.aggregate(last=Max("position"))["last"] or 0) + 1
    full = event.capacity is not None and taken >= event.capacity
    status = Registration.Status.WAITLISTED if full else Registration.Status.REGISTERED
    if existing is None:
        return Registration.objects.create(
            event=event, user=user, status=status, position=position, created_at=now, updated_at=now
        )
    existing.status, existing.position = status, position
    existing.created_at = existing.updated_at = now
    existing.cancelled_at = existing.promoted_at = None
    existing.save(
        update_fields=[
            "status",
            "position",
            "created_at",
            "updated_at",
            "cancelled_at",
            "promoted_at",
        ]
    )
    return existing


@transaction.atomic
def event_cancel(*, event: EventPage, user, now=None) -> Registration:
    """Cancel the person's place or waiting-list position; a freed place goes to the first
    person waiting, in the same transaction (they are notified). Raises ValidationError when
    the person has nothing to cancel or the event has started."""
    now = now or timezone.now()
    event = _lock_event(event)
    registration = Registration.objects.filter(event=event, user=user).filter(ACTIVE).first()
    if registration is None:
        raise ValidationError(_("You are not registered for this event."), code="not_registered")
    if now >= event.start:
        raise ValidationError(
            _("This event has already started; registrations can no longer be cancelled."),
            code="started",
        )
    freed = registration.status == Registration.Status.REGISTERED
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = registration.updated_at = now
    registration.save(update_fields=["status", "cancelled_at", "updated_at"])
    if freed:
        _fill_places(event, now=now)
    return registration


@transaction.atomic
def event_fill_from_waitlist(*, event: EventPage, now=None) -> list[Registration]:
    """Give free places to the people waiting, first come first served (after an editor raised
    the capacity, for example)."""
    return _fill_places(_lock_event(event), now=now or timezone.now())


def _fill_places(event: EventPage, *, now) -> list[Registration]:
    """The event row is locked by the caller."""
    if now >= event.start:
        return []
    waiting = Registration.objects.filter(
        event=event, status=Registration.Status.WAITLISTED
    ).order_by("position", "pk")
    if event.capacity is not None:
        taken = Registration.objects.filter(
            event=event, status=Registration.Status.REGISTERED
        ).count()
        free = event.capacity - taken
        if free <= 0:
            return []
        waiting = waiting[:free]
    promoted = list(waiting.select_related("user"))
    for registration in promoted:
        registration.status = Registration.Status.REGISTERED
        registration.promoted_at = registration.updated_at = now
        registration.save(update_fields=["status", "promoted_at", "updated_at"])
        _notify_promoted(registration, event)
    return promoted


def _notify_promoted(registration: Registration, event: EventPage) -> None:
    person = registration.user
    if not audience.visible_to(person, event):
        return  # the audience changed since they queued: nothing to point them at
    try:
        from notifications.services import notify
    except ImportError:  # the notifications app is still being built
        log.warning("notifications.services missing: %s not notified", person.pk)
        return
    with translation.override(getattr(person, "language", "") or settings.LANGUAGE_CODE):
        notify(
            [person],
            kind=PROMOTED_KIND,
            title=_("You have a place at %(event)s") % {"event": event.title},
            url=event.url,
            body=_("A place became free and it is yours. The event starts %(when)s.")
            % {"when": _when(event.start, event)},
        )
