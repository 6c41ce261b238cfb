"""Training and events in real Chromium: Anna opens a course, completes a lesson, finds
"continue" on her dashboard, registers for a webinar and downloads its .ics; Clara cannot open
Anna's technician course by URL."""

from playwright.sync_api import expect

from learning.models import LessonCompletion, Registration
from tests.e2e.conftest import sign_in

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
