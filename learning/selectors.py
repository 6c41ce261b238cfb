"""Reads of the learning app. Every list goes through `audience.q_for`; each function runs a
fixed number of queries, whatever the number of courses, lessons, events or registrations."""

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Exists, F, Func, IntegerField, OuterRef, Q, Subquery, Value, When
from django.utils import timezone
from wagtail.models import Page

from hub import audience
from learning.models import (
    ACTIVE,
    CourseIndexPage,
    CoursePage,
    CourseProgress,
    EventIndexPage,
    EventPage,
    LessonCompletion,
    LessonPage,
    Registration,
)


def _count(queryset) -> Subquery:
    """COUNT(*) of a correlated queryset, as a subquery (0 when nothing matches)."""
    return Subquery(
        queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")[:1],
        output_field=IntegerField(),
    )


def with_lesson_counts(items: list, *, user, course=lambda item: item) -> list:
    """Set `lesson_total` (the live lessons the person may see) and `lesson_done` (of those,
    the ones they completed) on each item of a page: courses, or progress rows with
    `course=lambda p: p.course`. Two queries for the whole page, whatever its size."""
    items = list(items)
    courses = {course(item).path: course(item) for item in items}
    total: dict[str, int] = dict.fromkeys(courses, 0)
    done: dict[str, int] = dict.fromkeys(courses, 0)
    if courses:
        in_courses = reduce(
            or_, (Q(path__startswith=c.path, depth=c.depth + 1) for c in courses.values())
        )
        lessons = dict(
            LessonPage.objects.filter(in_courses)
            .filter(audience.q_for(user, LessonPage))
            .values_list("pk", "path")
        )
        finished = set()
        if user.is_authenticated and lessons:
            finished = set(
                LessonCompletion.objects.filter(user=user, lesson_id__in=list(lessons)).values_list(
                    "lesson_id", flat=True
                )
            )
        for pk, path in lessons.items():
            parent = path[: -LessonPage.steplen]
            total[parent] += 1
            done[parent] += pk in finished
    for item in items:
        item.lesson_total = total[course(item).path]
        item.lesson_done = done[course(item).path]
    return items


def index_pages(*, user) -> dict[str, Page]:
    """The training and event index pages the person may see, for links: {"courses": page,
    "events": page}, a key missing when there is none (one query)."""
    visible = Q(
        pk__in=CourseIndexPage.objects.filter(audience.q_for(user, CourseIndexPage)).values("pk")
    ) | Q(pk__in=EventIndexPage.objects.filter(audience.q_for(user, EventIndexPage)).values("pk"))
    kinds = {
        ContentType.objects.get_for_model(CourseIndexPage).pk: "courses",
        ContentType.objects.get_for_model(EventIndexPage).pk: "events",
    }
    found: dict[str, Page] = {}
    for page in Page.objects.filter(visible).order_by("-path"):
        found[kinds[page.content_type_id]] = page  # the first in tree order wins
    return found


# --- Training ----------------------------------------------------------------------------------


def courses_for(*, user, index: CourseIndexPage):
    """The courses under the index the person may see (one query; paginate it, then
    `with_lesson_counts` for the page)."""
    queryset = CoursePage.objects.child_of(index).filter(audience.q_for(user, CoursePage))
    return queryset.order_by("path")


@dataclass
class Step:
    lesson: LessonPage
    done: bool
    number: int


@dataclass
class Outline:
    """A course's lessons as one person sees them."""

    steps: list[Step] = field(default_factory=list)
    progress: CourseProgress | None = None

    @property
    def total(self) -> int:
        return len(self.steps)

    @property
    def done(self) -> int:
        return sum(1 for s in self.steps if s.done)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def complete(self) -> bool:
        return bool(self.total) and self.done == self.total

    @property
    def next_step(self) -> Step | None:
        return next((s for s in self.steps if not s.done), None)

    @property
    def first_step(self) -> Step | None:
        return self.steps[0] if self.steps else None


def _outline(*, course: CoursePage, user, progress: CourseProgress | None = None) -> Outline:
    lessons = list(
        LessonPage.objects.child_of(course)
        .filter(audience.q_for(user, LessonPage))
        .defer_streamfields()  # an outline needs titles and links, never the lessons' bodies
        .order_by("path")
    )
    done: set[int] = set()
    if user.is_authenticated and lessons:
        done = set(
            LessonCompletion.objects.filter(
                user=user, lesson_id__in=[lesson.pk for lesson in lessons]
            ).values_list("lesson_id", flat=True)
        )
    if user.is_authenticated and progress is None:
        progress = CourseProgress.objects.filter(user=user, course=course).first()
    steps = [
        Step(lesson=lesson, done=lesson.pk in done, number=i)
        for i, lesson in enumerate(lessons, start=1)
    ]
    return Outline(steps=steps, progress=progress)


def course_outline(*, course: CoursePage, user) -> Outline:
    """The lessons with ticks, and the person's progress (three queries)."""
    return _outline(course=course, user=user)


@dataclass
class Place:
    """Where a lesson sits in its course, for one person."""

    course: CoursePage
    outline: Outline
    step: Step | None
    previous: LessonPage | None
    next: LessonPage | None


def lesson_place(*, lesson: LessonPage, user) -> Place:
    """The lesson's course, previous and next lessons and the person's ticks (four queries)."""
    course = CoursePage.objects.get(path=lesson.path[: -lesson.steplen])
    outline = _outline(course=course, user=user)
    index = next((i for i, s in enumerate(outline.steps) if s.lesson.pk == lesson.pk), None)
    previous = next_ = step = None
    if index is not None:
        step = outline.steps[index]
        previous = outline.steps[index - 1].lesson if index > 0 else None
        if index + 1 < len(outline.steps):
            next_ = outline.steps[index + 1].lesson
    return Place(course=course, outline=outline, step=step, previous=previous, next=next_)


@dataclass
class Continue:
    progress: CourseProgress
    course: CoursePage
    next_lesson: LessonPage | None
    total: int
    done: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def continue_learning(*, user) -> Continue | None:
    """The person's most recently active unfinished course they may still see, with the first
    lesson not done yet (three simple queries: the progress, the lessons, the ticks; the ORM
    took longer to compile the two-query form with counts in subqueries than these take)."""
    if not user.is_authenticated:
        return None
    progress = (
        CourseProgress.objects.filter(user=user, completed_at__isnull=True)
        .filter(audience.q_for(user, CoursePage, prefix="course__"))
        .select_related("course")
        .order_by("-updated_at", "-pk")
        .first()
    )
    if progress is None:
        return None
    outline = _outline(course=progress.course, user=user, progress=progress)
    step = outline.next_step
    return Continue(
        progress=progress,
        course=progress.course,
        next_lesson=step.lesson if step else None,
        total=outline.total,
        done=outline.done,
    )


def progress_of(*, user):
    """The person's courses (started, visible), newest activity first (one query; paginate it,
    then `with_lesson_counts(page, course=lambda p: p.course)`)."""
    return (
        CourseProgress.objects.filter(user=user)
        .filter(audience.q_for(user, CoursePage, prefix="course__"))
        .select_related("course")
        .order_by("-updated_at", "-pk")
    )


# --- Events ------------------------------------------------------------------------------------


def _my_status(user):
    return Subquery(
        Registration.objects.filter(event_id=OuterRef("pk"), user=user)
        .filter(ACTIVE)
        .values("status")[:1]
    )


def events_for(*, user, index: EventIndexPage | None = None, past: bool = False):
    """Events the person may see: upcoming (not yet ended) soonest first, or past newest first;
    each with the number of confirmed places taken and the person's own status."""
    now = timezone.now()
    queryset = EventPage.objects.filter(audience.q_for(user, EventPage))
    if index is not None:
        queryset = queryset.child_of(index)
    queryset = queryset.annotate(
        taken=_count(
            Registration.objects.filter(
                event_id=OuterRef("pk"), status=Registration.Status.REGISTERED
            )
        )
    )
    if user.is_authenticated:
        queryset = queryset.annotate(my_status=_my_status(user))
    if past:
        return queryset.filter(end__lte=now).order_by("-start", "-pk")
    return queryset.filter(end__gt=now).order_by("start", "pk")


def upcoming_events_for(*, user, limit: int = 3) -> list[EventPage]:
    """For the dashboard: the person's own upcoming events first, then others they may join
    (one query)."""
    mine = Exists(Registration.objects.filter(event_id=OuterRef("pk"), user=user).filter(ACTIVE))
    return list(
        events_for(user=user)
        .annotate(mine=Case(When(mine, then=Value(0)), default=Value(1)))
        .order_by("mine", "start", "pk")[:limit]
    )


@dataclass
class EventState:
    """The person's standing at an event, and the numbers the page shows."""

    registration: Registration | None
    registered: int
    waitlisted: int
    ahead: int  # waitlisted people before the person

    @property
    def status(self) -> str | None:
        return self.registration.status if self.registration else None

    @property
    def is_registered(self) -> bool:
        return self.status == Registration.Status.REGISTERED

    @property
    def is_waitlisted(self) -> bool:
        return self.status == Registration.Status.WAITLISTED


def event_state(*, event: EventPage, user) -> EventState:
    """Two queries: the person's registration, then the counts (and their queue place)."""
    from django.db.models import Count

    registration = None
    if user.is_authenticated:
        registration = Registration.objects.filter(event=event, user=user).filter(ACTIVE).first()
    ahead_q = Q(pk__in=[])
    if registration is not None and registration.status == Registration.Status.WAITLISTED:
        ahead_q = Q(status=Registration.Status.WAITLISTED, position__lt=registration.position)
    counts = Registration.objects.filter(event=event).aggregate(
        registered=Count("pk", filter=Q(status=Registration.Status.REGISTERED)),
        waitlisted=Count("pk", filter=Q(status=Registration.Status.WAITLISTED)),
        ahead=Count("pk", filter=ahead_q),
    )
    return EventState(registration=registration, **counts)


def registrations_of(*, user, past: bool = False):
    """The person's active registrations for events they may see: upcoming soonest first, or
    past newest first (one query; paginate it)."""
    now = timezone.now()
    queryset = (
        Registration.objects.filter(user=user)
        .filter(ACTIVE)
        .filter(audience.q_for(user, EventPage, prefix="event__"))
        .select_related("event")
    )
    if past:
        return queryset.filter(event__end__lte=now).order_by("-event__start", "-pk")
    return queryset.filter(event__end__gt=now).order_by("event__start", "pk")
