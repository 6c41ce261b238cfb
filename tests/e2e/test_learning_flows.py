"""Training and events in real Chromium: Anna opens a course, completes a lesson, finds
"continue" on her dashboard, registers for a webinar and downloads its .ics; Clara cannot open
Anna's technician course by URL. A reader in Germany sees a Helsinki webinar in her own time
too."""

from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from learning.models import EventPage, LessonCompletion, Registration
from tests.e2e.conftest import DEFAULT_TIMEOUT_MS, sign_in

COURSE = "Network security fundamentals"
WEBINAR = "Webinar: network security in 2027"


def test_anna_learns_and_registers_clara_is_kept_out(page, live_server, demo):
    sign_in(page, live_server, "anna@aurora.example")
    expect(page.get_by_role("heading", name="Continue where you left off")).to_be_visible()
    page.get_by_role("link", name="All courses").click()
    page.get_by_role("link", name=COURSE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(COURSE)
    page.get_by_role("button", name="Start the course").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Why network security matters")
    page.get_by_role("button", name="Mark as done, next lesson").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Strong passwords and two-factor authentication"
    )
    expect(page.get_by_text("1 of 5 lessons done")).to_be_visible()
    assert LessonCompletion.objects.filter(user__email="anna@aurora.example").count() == 3

    page.get_by_role("link", name="Kumppani").first.click()
    panel = page.locator("section.learning-panel")
    expect(panel.get_by_role("link", name=COURSE)).to_be_visible()
    expect(
        panel.get_by_role("link", name="Continue: Strong passwords and two-factor authentication")
    ).to_be_visible()

    panel.get_by_role("link", name="All events").click()
    page.get_by_role("link", name=WEBINAR).click()
    expect(
        page.get_by_text("The link is shown here to people with a confirmed place.")
    ).to_be_visible()
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("You are registered. See you there!")).to_be_visible()
    expect(page.get_by_role("link", name="Join the event online")).to_be_visible()
    registration = Registration.objects.get(user__email="anna@aurora.example", event__title=WEBINAR)
    assert registration.status == Registration.Status.REGISTERED
    webinar_url = page.url

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add to calendar (.ics)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    with open(download.path(), "rb") as f:
        calendar = f.read().decode()
    assert calendar.startswith("BEGIN:VCALENDAR\r\n")
    assert "SUMMARY:Webinar: network security in 2027" in calendar
    assert "meet.kumppani.example" in calendar.replace("\r\n ", "")

    page.goto(f"{live_server.url}/knowledge/training/r-series-field-technician/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "R-series field technician certification"
    )
    technician_course = page.url

    page.context.clear_cookies()
    sign_in(page, live_server, "clara@berg.example")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Clara")
    assert page.goto(technician_course).status == 404
    assert page.goto(f"{technician_course}lte-failover/").status == 404
    assert page.goto(webinar_url).status == 200  # the webinar is for everyone
    expect(page.get_by_role("link", name="Join the event online")).to_have_count(0)


def _context_in(browser, live_server, zone: str):
    """A browser context whose clock is in `zone` (the `page` fixture's is the machine's),
    failing the test on a Content Security Policy violation as the fixture does."""
    context = browser.new_context(base_url=live_server.url, locale="en-US", timezone_id=zone)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    tab = context.new_page()
    violations: list[str] = []
    tab.on(
        "console",
        lambda msg: (
            violations.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    return context, tab, violations


def test_a_reader_in_berlin_sees_a_helsinki_webinar_in_her_own_time_too(
    page, browser, live_server, demo
):
    webinar = EventPage.objects.get(title=WEBINAR)
    assert webinar.time_zone == "Europe/Helsinki"
    berlin = ZoneInfo("Europe/Berlin")
    own = f"{webinar.start.astimezone(berlin):%H:%M}\u2013{webinar.end.astimezone(berlin):%H:%M}"
    event_time = f"{webinar.local_start:%H:%M}"

    # Without a zone of its own the page shows the event's time and zone, as the server wrote
    # them (the machine's zone decides whether a line is added; what it says is tested below).
    sign_in(page, live_server, "clara@berg.example")
    page.goto(webinar.url)
    when = page.locator("dd .event-when")
    expect(when).to_contain_text(event_time)
    expect(when).to_contain_text("(Europe/Helsinki time)")

    context, tab, violations = _context_in(browser, live_server, "Europe/Berlin")
    try:
        sign_in(tab, live_server, "clara@berg.example")
        tab.goto(webinar.url)
        when = tab.locator("dd .event-when")
        expect(when.locator(".your-time")).to_have_text(f" ({own} your time)")
        expect(when).to_contain_text(f"{event_time}")  # the event's own time stays
        expect(when).to_contain_text("(Europe/Helsinki time)")
        # The list of events does the same.
        tab.goto(webinar.get_parent().url)
        item = tab.locator("li", has=tab.get_by_role("link", name=WEBINAR))
        expect(item.locator(".your-time")).to_have_text(f" ({own} your time)")
    finally:
        context.close()
    assert not violations, violations

    context, tab, violations = _context_in(browser, live_server, "Europe/Helsinki")
    try:
        sign_in(tab, live_server, "clara@berg.example")
        tab.goto(webinar.url)
        expect(tab.locator("dd .event-when")).to_contain_text("(Europe/Helsinki time)")
        expect(tab.locator(".your-time")).to_have_count(0)  # her time is the event's
    finally:
        context.close()
    assert not violations, violations
