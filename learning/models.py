"""Training and events as Wagtail pages, with per-person progress and registrations.

Page tree (under the knowledge root, which is the site root):
    knowledge root → CourseIndexPage ("Training") → CoursePage → LessonPage
    knowledge root → EventIndexPage ("Events") → EventPage

Every page here is a knowledge `AudiencePage`: editors tag its own audience, the rule reads the
effective audience (narrowed by the parent: a lesson is never wider than its course), served
through knowledge's `before_serve_page` hook and listed through `audience.q_for`.
"""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page

from hub.models import AudienceMixin
from hub.search.registry import searchable
from knowledge.blocks import BaseStreamBlock
from knowledge.models import AudiencePage, SearchablePage

PER_PAGE = 20


def _audience_promote_panels():
    from knowledge.panels import EffectiveAudiencePanel

    return Page.promote_panels + AudienceMixin.audience_panels + [EffectiveAudiencePanel()]


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(value)s” is not a time zone name. Use an IANA name such as Europe/Helsinki."),
            params={"value": value},
            code="invalid_time_zone",
        )


# --- Training ----------------------------------------------------------------------------------


class CourseIndexPage(AudiencePage):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["knowledge.KnowledgeIndexPage"]
    subpage_types = ["learning.CoursePage"]
    max_count = 1

    class Meta:
        verbose_name = _("training index")

    def get_context(self, request, *args, **kwargs):
        from learning import selectors

        context = super().get_context(request, *args, **kwargs)
        courses = Paginator(
            selectors.courses_for(user=request.user, index=self), PER_PAGE
        ).get_page(request.GET.get("page"))
        courses.object_list = selectors.with_lesson_counts(courses.object_list, user=request.user)
        context["courses"] = courses
        return context


@searchable("course")
class CoursePage(SearchablePage):
    summary = models.TextField(_("summary"), blank=True, max_length=500)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(
        BaseStreamBlock(),
        blank=True,
        verbose_name=_("about this course"),
        help_text=_("What the course covers and who it is for. Lessons are its child pages."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("language"),
        FieldPanel("summary"),
        FieldPanel("image"),
        FieldPanel("body"),
    ]
    parent_page_types = ["learning.CourseIndexPage"]
    subpage_types = ["learning.LessonPage"]

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def get_context(self, request, *args, **kwargs):
        from learning import selectors

        context = super().get_context(request, *args, **kwargs)
        context["outline"] = selectors.course_outline(course=self, user=request.user)
        return context


@searchable("lesson")
class LessonPage(SearchablePage):
    summary = models.TextField(_("summary"), blank=True, max_length=500)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        null=True,
        blank=True,
        help_text=_("About how long the lesson takes, in minutes."),
    )
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [
        FieldPanel("language"),
        FieldPanel("summary"),
        FieldPanel("duration_minutes"),
        FieldPanel("body"),
    ]
    parent_page_types = ["learning.CoursePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def get_context(self, request, *args, **kwargs):
        from learning import selectors

        context = super().get_context(request, *args, **kwargs)
        context["place"] = selectors.lesson_place(lesson=self, user=request.user)
        return context


class CourseProgress(models.Model):
    """One person's progress through one course. `completed_at` is set when the last lesson is
    done (services.lesson_complete); `updated_at` orders "continue where you left off"."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_progress"
    )
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="progress")
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    updated_at = models.DateTimeField(_("last activity"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        verbose_name = _("course progress")
        verbose_name_plural = _("course progress")
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="learning_progress_once")
        ]
        indexes = [models.Index(fields=["user", "-updated_at"], name="learning_progress_recent")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.course_id}"


class LessonCompletion(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="completions")
    # The lesson's course when it was completed (lists count a course's done lessons by it).
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="+")
    completed_at = models.DateTimeField(_("completed"), default=timezone.now)

    class Meta:
        verbose_name = _("completed lesson")
        verbose_name_plural = _("completed lessons")
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="learning_lesson_done_once")
        ]
        indexes = [models.Index(fields=["user", "course"], name="learning_done_by_course")]

    def __str__(self) -> str:
        return f"{self.user_id} did {self.lesson_id}"


# --- Events ------------------------------------------------------------------------------------


class EventIndexPage(AudiencePage):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["knowledge.KnowledgeIndexPage"]
    subpage_types = ["learning.EventPage"]
    max_count = 1

    class Meta:
        verbose_name = _("event index")

    def get_context(self, request, *args, **kwargs):
        from learning import selectors

        context = super().get_context(request, *args, **kwargs)
        past = request.GET.get("when") == "past"
        events = selectors.events_for(user=request.user, index=self, past=past)
        context["past"] = past
        context["events"] = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
        context["extra_query"] = "when=past" if past else ""
        return context


@searchable("event")
class EventPage(SearchablePage):
    class Kind(models.TextChoices):
        WEBINAR = "webinar", _("Webinar")
        ON_SITE = "on_site", _("On-site training")
        MEETUP = "meetup", _("Meeting")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.WEBINAR)
    summary = models.TextField(_("summary"), blank=True, max_length=500)
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/Helsinki",
        validators=[validate_time_zone],
        help_text=_(
            "Where the event happens, as an IANA name (Europe/Helsinki, Europe/Berlin). "
            "Readers see the times in this zone."
        ),
    )
    location = models.CharField(
        _("place"),
        max_length=300,
        blank=True,
        help_text=_("Address of an on-site event. Leave empty for an online event."),
    )
    online_url = models.URLField(
        _("online link"),
        blank=True,
        help_text=_("Shown only to people with a confirmed place."),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        help_text=_("Places; empty for no limit. When full, people join a waiting list."),
    )
    registration_deadline = models.DateTimeField(
        _("registration deadline"),
        null=True,
        blank=True,
        help_text=_("Empty: registration is open until the event starts."),
    )
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("description"))

    content_panels = Page.content_panels + [
        FieldPanel("language"),
        FieldPanel("kind"),
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
                FieldPanel("time_zone"),
                FieldPanel("registration_deadline"),
            ],
            heading=_("When"),
        ),
        MultiFieldPanel(
            [FieldPanel("location"), FieldPanel("online_url"), FieldPanel("capacity")],
            heading=_("Where and how many"),
        ),
        FieldPanel("body"),
    ]
    parent_page_types = ["learning.EventIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["start"], name="learning_event_start")]

    def get_context(self, request, *args, **kwargs):
        from learning import permissions, selectors

        context = super().get_context(request, *args, **kwargs)
        state = selectors.event_state(event=self, user=request.user)
        context["state"] = state
        context["show_online_link"] = permissions.can_see_online_link(state)
        context["registration_open"] = self.registration_open()
        context["places_left"] = (
            max(self.capacity - state.registered, 0) if self.capacity is not None else None
        )
        return context

    def clean(self):
        super().clean()
        errors = {}
        if self.start and self.end and self.end <= self.start:
            errors["end"] = _("An event must end after it starts.")
        if self.registration_deadline and self.end and self.registration_deadline > self.end:
            errors["registration_deadline"] = _("The deadline cannot be after the event ends.")
        if not self.location and not self.online_url:
            errors["location"] = _("Give a place, an online link, or both.")
        if errors:
            raise ValidationError(errors)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    @property
    def local_start(self):
        return timezone.localtime(self.start, self.zone)

    @property
    def local_end(self):
        return timezone.localtime(self.end, self.zone)

    @property
    def closes_at(self):
        """When registration closes: the deadline, or the start."""
        return self.registration_deadline or self.start

    @property
    def is_past(self) -> bool:
        return self.end <= timezone.now()

    @property
    def places_left(self) -> int | None:
        """Free places, from the `taken` count a list annotates; None without a limit."""
        if self.capacity is None or not hasattr(self, "taken"):
            return None
        return max(self.capacity - self.taken, 0)

    def registration_open(self, now=None) -> bool:
        return (now or timezone.now()) < self.closes_at

    def search_document(self) -> dict | None:
        document = super().search_document()
        if document is not None:
            document["published_at"] = int(self.start.timestamp())
        return document


class Registration(models.Model):
    """One person's place (or place in the queue) at one event. A cancelled registration keeps
    its row; registering again reuses it and joins at the end of the queue.

    `position` orders the queue: it is taken from a per-event counter when the person (re)joins,
    so the waiting list is promoted in the order people asked."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(EventPage, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    position = models.PositiveIntegerField(_("position"))
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    promoted_at = models.DateTimeField(_("promoted from the waiting list"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="learning_registration_once")
        ]
        indexes = [
            models.Index(fields=["event", "status", "position"], name="learning_reg_queue"),
            models.Index(fields=["user", "status"], name="learning_reg_person"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} at {self.event_id}: {self.status}"

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.CANCELLED


ACTIVE = Q(status__in=[Registration.Status.REGISTERED, Registration.Status.WAITLISTED])

for _model in (CourseIndexPage, CoursePage, LessonPage, EventIndexPage, EventPage):
    _model.promote_panels = _audience_promote_panels()

__all__ = [
    "CourseIndexPage",
    "CoursePage",
    "CourseProgress",
    "EventIndexPage",
    "EventPage",
    "LessonCompletion",
    "LessonPage",
    "Registration",
]
