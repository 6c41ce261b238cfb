"""Demo data for training and events, called by `manage.py seed_demo` after the personas and
the knowledge root exist. Idempotent: creates what is missing, leaves what exists (editors may
have changed it), and never duplicates a registration or a completed lesson."""

import contextlib
import datetime
import zoneinfo

from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Organisation, User
from accounts.services import membership_set
from hub.models import Product, Region, Role
from knowledge.services import knowledge_root
from learning import services
from learning.models import (
    CourseIndexPage,
    CoursePage,
    CourseProgress,
    EventIndexPage,
    EventPage,
    LessonPage,
    Registration,
)

EVERYONE = ((), (), ())
ROUTER_TECHNICIANS = (("router-r",), (), ("technician",))


def _p(*paragraphs: str) -> list:
    return [("paragraph", "".join(f"<p>{p}</p>" for p in paragraphs))]


# (slug, title, summary, audience, [(slug, title, minutes, body blocks)])
COURSES = [
    (
        "network-security-fundamentals",
        "Network security fundamentals",
        "Five short lessons on keeping a small company network safe: passwords, updates, "
        "segmentation and backups.",
        EVERYONE,
        [
            (
                "why-security-matters",
                "Why network security matters",
                8,
                _p(
                    "Most incidents in small networks start with something simple: a default "
                    "password, a forgotten update, a shared account.",
                    "This course walks through the habits that prevent most of them.",
                ),
            ),
            (
                "passwords-and-2fa",
                "Strong passwords and two-factor authentication",
                12,
                [
                    *_p(
                        "Use a password manager and a different password for every device and "
                        "service. Turn on two-factor authentication wherever it is offered."
                    ),
                    (
                        "callout",
                        {
                            "kind": "tip",
                            "text": "<p>This portal supports authenticator "
                            "apps: set one up under Account → Security.</p>",
                        },
                    ),
                ],
            ),
            (
                "keep-firmware-updated",
                "Keeping firmware up to date",
                10,
                _p(
                    "Firmware updates close security holes. Subscribe to the release notes of "
                    "your products and plan a maintenance window each quarter.",
                ),
            ),
            (
                "segment-with-vlans",
                "Segmenting your network with VLANs",
                15,
                [
                    *_p(
                        "Put guests, office computers and devices such as printers and cameras in "
                        "separate VLANs, so a problem in one cannot spread to the others."
                    ),
                    (
                        "code",
                        {
                            "language": "text",
                            "code": "VLAN 10  office\nVLAN 20  guests\nVLAN 30  devices",
                        },
                    ),
                ],
            ),
            (
                "backups-and-recovery",
                "Backups and a recovery plan",
                10,
                _p(
                    "Back up device configurations after every change and test a restore twice a "
                    "year. Write down who does what when the network is down.",
                ),
            ),
        ],
    ),
    (
        "r-series-field-technician",
        "R-series field technician certification",
        "Install, diagnose and hand over R-series routers on site. For certified technicians.",
        ROUTER_TECHNICIANS,
        [
            (
                "hardware-overview",
                "Unboxing and hardware overview",
                10,
                _p(
                    "What is in the box, the ports on the back panel and the meaning of the "
                    "front LEDs.",
                ),
            ),
            (
                "first-configuration",
                "First configuration over the web console",
                15,
                [
                    *_p("Connect to LAN port 1 and open the web console."),
                    ("code", {"language": "shell", "code": "ssh admin@192.168.1.1"}),
                ],
            ),
            (
                "led-codes-and-diagnostics",
                "Reading LED codes and the diagnostic log",
                20,
                [
                    *_p("Most faults show on the LEDs before anywhere else."),
                    (
                        "callout",
                        {
                            "kind": "warning",
                            "text": "<p>Do not power-cycle the router "
                            "during a firmware update.</p>",
                        },
                    ),
                    ("code", {"language": "shell", "code": "show log diagnostics"}),
                ],
            ),
            (
                "lte-failover",
                "LTE fail-over and SIM management",
                15,
                _p(
                    "Insert the SIM, set the operator's APN and test the fail-over by unplugging "
                    "the WAN cable.",
                ),
            ),
            (
                "firmware-rollback",
                "Firmware updates with rollback",
                12,
                _p(
                    "The R-series keeps the previous firmware in a second slot: if the new one "
                    "does not come up within five minutes, the router boots the old one.",
                ),
            ),
            (
                "handover-checklist",
                "Field checklist and handover",
                8,
                _p(
                    "Go through the checklist with the customer, note the serial number and "
                    "leave the printed quick start guide on site.",
                ),
            ),
        ],
    ),
]

# (slug, title, kind, summary, audience, days from today, local start hour, hours, zone,
#  place, online link, capacity, deadline days before the start)
EVENTS = [
    (
        "webinar-network-security-2027",
        "Webinar: network security in 2027",
        EventPage.Kind.WEBINAR,
        "An hour on what changed this year, with time for your questions.",
        EVERYONE,
        14,
        10,
        1,
        "Europe/Helsinki",
        "",
        "https://meet.kumppani.example/security-2027",
        200,
        1,
    ),
    (
        "r-series-hands-on-tampere",
        "R-series hands-on day in Tampere",
        EventPage.Kind.ON_SITE,
        "A day at the bench with the R100 and R200: installation, LTE fail-over, diagnostics.",
        ROUTER_TECHNICIANS,
        21,
        9,
        7,
        "Europe/Helsinki",
        "Aurora training centre, Hämeenkatu 5, 33100 Tampere",
        "",
        12,
        7,
    ),
    (
        "s-series-training-munich",
        "S-series installation training in Munich",
        EventPage.Kind.ON_SITE,
        "Rack mounting, VLANs and PoE budgets with the S10, in small groups.",
        (("switch-s",), (), ()),
        18,
        9,
        6,
        "Europe/Berlin",
        "Kumppani Schulungszentrum, Leopoldstraße 40, 80802 München",
        "",
        2,
        5,
    ),
    (
        "r-series-launch-webinar",
        "R-series 3.0 launch webinar",
        EventPage.Kind.WEBINAR,
        "The recording of the R-series 3.0 launch.",
        (("router-r",), (), ()),
        -30,
        14,
        1,
        "Europe/Helsinki",
        "",
        "https://meet.kumppani.example/r-series-3",
        None,
        0,
    ),
]

# Attendees who fill the Munich training, so the waiting list shows (no password: they
# cannot sign in).
BERG_COLLEAGUES = [("jonas@berg.example", "Jonas", "Weber"), ("lena@berg.example", "Lena", "Koch")]


def _set_audience(page, aud) -> None:
    products, regions, roles = aud
    page.audience_products = list(Product.objects.filter(slug__in=products))
    page.audience_regions = list(Region.objects.filter(slug__in=regions))
    page.audience_roles = list(Role.objects.filter(slug__in=roles))


def _child(parent, model, slug, aud, **fields):
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = model(slug=slug, **fields)
        _set_audience(page, aud)
        parent.add_child(instance=page)
        page.save_revision().publish()
        page = model.objects.get(pk=page.pk)
    return page


def _courses(root) -> dict[str, CoursePage]:
    index = _child(
        root,
        CourseIndexPage,
        "training",
        EVERYONE,
        title="Training",
        intro="Short courses on our products and on running a network. Go at your own pace: "
        "we remember where you left off.",
    )
    courses = {}
    for slug, title, summary, aud, lessons in COURSES:
        course = _child(index, CoursePage, slug, aud, title=title, summary=summary, body=[])
        for lesson_slug, lesson_title, minutes, body in lessons:
            _child(
                course,
                LessonPage,
                lesson_slug,
                EVERYONE,
                title=lesson_title,
                duration_minutes=minutes,
                body=body,
            )
        courses[slug] = course
    return courses


def _events(root) -> dict[str, EventPage]:
    index = _child(
        root,
        EventIndexPage,
        "events",
        EVERYONE,
        title="Events",
        intro="Webinars and on-site trainings. Register, and add them to your calendar.",
    )
    today = timezone.localdate()
    events = {}
    for (
        slug, title, kind, summary, aud, days, hour, hours, zone, place, link, capacity, before,
    ) in EVENTS:  # fmt: skip
        day = today + datetime.timedelta(days=days)
        start = datetime.datetime(
            day.year, day.month, day.day, hour, tzinfo=zoneinfo.ZoneInfo(zone)
        )
        events[slug] = _child(
            index,
            EventPage,
            slug,
            aud,
            title=title,
            kind=kind,
            summary=summary,
            start=start,
            end=start + datetime.timedelta(hours=hours),
            time_zone=zone,
            location=place,
            online_url=link,
            capacity=capacity,
            registration_deadline=start - datetime.timedelta(days=before) if before else None,
            body=_p(summary),
        )
    return events


def _berg_colleagues() -> list[User]:
    berg = Organisation.objects.filter(name="Berg Technik GmbH").first()
    people = []
    for email, first, last in BERG_COLLEAGUES:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email, password=None, first_name=first, last_name=last
            )
            if berg is not None:
                membership_set(user=user, organisation=berg, roles=[], is_admin_contact=False)
        people.append(user)
    return people


def _register(event: EventPage, person: User) -> None:
    if Registration.objects.filter(event=event, user=person).exists():
        return
    # Registration may have closed since the demo was first loaded.
    with contextlib.suppress(ValidationError):
        services.event_register(event=event, user=person)


def seed(*, stdout) -> None:
    root = knowledge_root()
    courses = _courses(root)
    events = _events(root)

    anna = User.objects.filter(email="anna@aurora.example").first()
    if anna is not None:
        # Anna is part-way through the technician course, and has a place in Tampere.
        course = courses["r-series-field-technician"]
        if not CourseProgress.objects.filter(user=anna, course=course).exists():
            for lesson in list(LessonPage.objects.child_of(course).order_by("path"))[:2]:
                services.lesson_complete(user=anna, lesson=lesson)
        _register(events["r-series-hands-on-tampere"], anna)
    for person in _berg_colleagues():
        _register(events["s-series-training-munich"], person)
    stdout.write("Learning: two courses with lessons, events and registrations are in place.")
