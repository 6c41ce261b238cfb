"""Training and event pages for `manage.py bench`: a 40-lesson course the demo customer is
half-way through (the course page and a lesson), and the events list 200 events deep."""

import datetime

from django.db import transaction
from django.utils import timezone

from hub import bench

LESSONS = 40
EVENTS = 200


@bench.pages
def learning_pages(ctx: bench.Context) -> dict[str, str]:
    from learning import services
    from learning.models import CourseIndexPage, CoursePage, EventIndexPage, EventPage, LessonPage

    course_index = CourseIndexPage.objects.get()
    event_index = EventIndexPage.objects.get()
    now = timezone.now()
    with transaction.atomic():
        course = course_index.add_child(
            instance=CoursePage(title="Bench: a long course", slug="bench-long-course")
        )
        lessons = [
            course.add_child(
                instance=LessonPage(
                    title=f"Bench lesson {i}",
                    slug=f"bench-lesson-{i}",
                    duration_minutes=10,
                    body=[("paragraph", f"<p>Lesson {i}: read, try, check.</p>")],
                )
            )
            for i in range(1, LESSONS + 1)
        ]
        for lesson in lessons[: LESSONS // 2]:
            services.lesson_complete(user=ctx.user, lesson=lesson)
        for i in range(EVENTS):
            start = now + datetime.timedelta(days=1 + i % 90, hours=ctx.rng.randint(0, 8))
            event = event_index.add_child(
                instance=EventPage(
                    title=f"Bench event {i}",
                    slug=f"bench-event-{i}",
                    start=start,
                    end=start + datetime.timedelta(hours=2),
                    time_zone="Europe/Helsinki",
                    online_url="https://meet.example.com/bench",
                    capacity=ctx.rng.choice([None, 10, 50]),
                )
            )
            if i % 10 == 0:
                services.event_register(event=event, user=ctx.user)
    middle = lessons[LESSONS // 2]
    return {
        f"course ({LESSONS} lessons, half done)": course.url,
        "lesson (in that course)": middle.url,
        f"events list ({EVENTS} upcoming)": event_index.url,
        "registrations (account)": "/learning/registrations/",
    }
