"""Issue 5's "done when", in real Chromium: Aki (Aurora's admin contact) changes the billing
address and adds an office while the CRM is down, invites a colleague with the restricted
profile "Technician — no invoices"; the colleague joins, signs in and cannot reach the
invoices; the CRM, back up, receives every signed webhook."""

import re
from datetime import timedelta

from django.core import mail
from django.db.models import F
from playwright.sync_api import expect

from accounts.models import Membership, WebhookDelivery, WebhookEndpoint
from accounts.tasks import deliver_webhooks_task
from tests.accounts.test_webhooks import SECRET, Receiver, _free_port
from tests.e2e.conftest import DEFAULT_TIMEOUT_MS, field, sign_in

NEW_PASSWORD = "teemu-kumppani-2027"


def test_admin_contact_invites_a_restricted_colleague_and_the_crm_catches_up(
    page, browser, live_server, demo, settings
):
    settings.WEBHOOK_ALLOW_LOOPBACK = True  # the test CRM listens on loopback, plain HTTP
    crm = Receiver(_free_port())  # down: nothing listens yet
    WebhookEndpoint.objects.create(name="Test CRM", url=crm.url, secret=SECRET)

    sign_in(page, live_server, "aki@aurora.example")
    page.goto(f"{live_server.url}/account/company/")
    page.get_by_label(field("Billing street")).fill("Teollisuuskatu 7")
    page.get_by_role("button", name="Save company details").click()
    expect(page.locator(".messages")).to_contain_text("The company details were saved.")
    page.goto(f"{live_server.url}/account/offices/add/")
    page.get_by_label(field("Name")).fill("Oulu service point")
    page.get_by_role("button", name="Save office").click()
    expect(page.get_by_role("list", name="Offices")).to_contain_text("Oulu service point")

    # The invitation, with the profile chosen in the form.
    page.goto(f"{live_server.url}/account/colleagues/")
    page.get_by_role("link", name="Invite a colleague").click()
    page.get_by_label(field("E-mail address")).fill("teemu@aurora.example")
    page.get_by_label(field("First name")).fill("Teemu")
    profile = page.get_by_label(field("Portal profile"))
    expect(profile.locator("option", has_text="Full access")).to_have_count(1)
    profile.select_option(label="Technician — no invoices")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".messages")).to_contain_text("Invitation sent to teemu@aurora.example.")
    pending = page.get_by_role("region", name="Open invitations")
    expect(pending).to_contain_text("Technician — no invoices")
    invitation_mail = next(m for m in mail.outbox if m.to == ["teemu@aurora.example"])
    link = re.search(r"https?://\S+(/account/join/\S+/)", invitation_mail.body).group(1)

    # Teemu joins in a browser of his own, then signs in again with his new password.
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    teemu = context.new_page()
    try:
        teemu.goto(f"{live_server.url}{link}")
        teemu.get_by_label(field("Last name")).fill("Tekniikka")
        teemu.get_by_label(field("Password"), exact=True).fill(NEW_PASSWORD)
        teemu.get_by_label(field("Password (again)")).fill(NEW_PASSWORD)
        teemu.get_by_role("button", name="Create my account").click()
        expect(teemu.get_by_role("heading", level=1)).to_have_text("Welcome, Teemu")
        context.clear_cookies()
        sign_in(teemu, live_server, "teemu@aurora.example", NEW_PASSWORD)
        expect(teemu.get_by_role("heading", level=1)).to_have_text("Welcome, Teemu")
        teemu.goto(f"{live_server.url}/account/")
        sections = teemu.get_by_role("navigation", name="Account sections")
        expect(sections.get_by_role("link", name="My details")).to_be_visible()
        expect(sections.get_by_role("link", name="Invoices")).to_have_count(0)
        assert teemu.goto(f"{live_server.url}/account/invoices/").status == 404
    finally:
        context.close()
    membership = Membership.objects.get(user__email="teemu@aurora.example")
    assert membership.portal_profile.name == "Technician — no invoices"

    # The CRM was down for all of it; it comes back, and the periodic retry catches up.
    failed = WebhookDelivery.objects.get()
    assert not failed.succeeded and "ConnectionError" in failed.error
    WebhookDelivery.objects.update(attempted_at=F("attempted_at") - timedelta(hours=1))
    crm.start()
    try:
        deliver_webhooks_task.delay()
    finally:
        crm.stop()
    assert [hit["body"]["type"] for hit in crm.received] == ["company.updated", "office.created"]
    billing = crm.received[0]["body"]["data"]["changes"]["billing_street"]
    assert billing["new"] == "Teollisuuskatu 7"
