"""Support requests in real Chromium: Anna is offered matching articles while she types a
subject, opens a request with a file, and sees staff's reply given in the admin."""

from playwright.sync_api import expect

from support.models import SupportRequest
from tests.e2e.conftest import DEFAULT_TIMEOUT_MS, field, sign_in

SUBJECT = "Firmware update stops halfway"


def test_anna_opens_a_request_and_sees_the_answer_from_the_admin(
    page, browser, live_server, demo, meilisearch
):
    from hub.search.services import outbox_drain

    outbox_drain()  # the demo content, searchable
    sign_in(page, live_server, "anna@aurora.example")
    page.goto(f"{live_server.url}/account/")
    page.get_by_role("navigation", name="Account sections").get_by_role(
        "link", name="Support requests"
    ).click()
    expect(page.get_by_role("list", name="Support requests")).to_contain_text(
        "R100 reboots every night"
    )
    page.get_by_role("link", name="New support request").click()

    page.get_by_label(field("Subject")).press_sequentially("R100 firmware", delay=20)
    suggestions = page.locator("#support-suggestions")
    expect(suggestions.get_by_role("link", name="R100 firmware update")).to_be_visible()
    page.get_by_label(field("Subject")).fill(SUBJECT)
    page.get_by_label(field("Product")).select_option(label="Router R100")
    page.get_by_label(field("Description")).fill("It stops at 60 % and the LED blinks amber.")
    page.get_by_label(field("Attachments")).set_input_files(
        {"name": "update.log", "mimeType": "text/plain", "buffer": b"stopped at 60%"}
    )
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(SUBJECT)
    expect(page.get_by_role("link", name="update.log")).to_be_visible()
    request = SupportRequest.objects.get(subject=SUBJECT)

    # Sam answers from the admin.
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    sam = context.new_page()
    try:
        sign_in(sam, live_server, "sam@kumppani.example")
        sam.goto(f"{live_server.url}/admin/snippets/support/supportrequest/")
        sam.get_by_role("link", name=f"#{request.pk} {SUBJECT}").click()  # to the answer page
        expect(sam.locator("body")).to_contain_text("It stops at 60 %")
        sam.get_by_label("Reply to the customer").fill("Use the recovery image 4.2.1.")
        sam.get_by_role("button", name="Send reply").click()
        expect(sam.locator("body")).to_contain_text("Your reply was sent to the customer.")
    finally:
        context.close()

    page.reload()
    thread = page.get_by_role("list", name="Messages")
    expect(thread).to_contain_text("Use the recovery image 4.2.1.")
    expect(page.locator(".facts")).to_contain_text("Answered")
