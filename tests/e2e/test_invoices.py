"""Invoices in real Chromium: the admin contact filters, opens and downloads one; a person
whose profile hides invoices cannot reach them by URL."""

from playwright.sync_api import expect

from commerce.models import Invoice
from tests.e2e.conftest import field, sign_in


def test_admin_contact_filters_invoices_and_downloads_a_pdf(page, live_server, demo):
    sign_in(page, live_server, "aki@aurora.example")
    page.goto(f"{live_server.url}/account/")
    page.get_by_role("navigation", name="Account sections").get_by_role(
        "link", name="Invoices"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invoices")
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows.filter(has_text="5001")).to_contain_text("Paid")
    expect(rows.filter(has_text="5002")).to_contain_text("Overdue")

    page.get_by_label(field("Status")).select_option(label="Overdue")
    page.get_by_role("button", name="Filter").click()
    expect(rows.filter(has_text="5002")).to_have_count(1)
    expect(rows.filter(has_text="5001")).to_have_count(0)

    page.get_by_role("link", name="5002", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invoice 5002")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename == "invoice-5002.pdf"
    with open(download.path(), "rb") as f:
        body = f.read()
    assert body.startswith(b"%PDF-") and b"5002" in body


def test_profile_without_invoices_gets_404(page, live_server, demo):
    invoice = Invoice.objects.get(external_id="DEMO-INV-5003")
    sign_in(page, live_server, "anna@aurora.example")
    page.goto(f"{live_server.url}/account/")
    sections = page.get_by_role("navigation", name="Account sections")
    expect(sections.get_by_role("link", name="Orders")).to_be_visible()
    expect(sections.get_by_role("link", name="Invoices")).to_have_count(0)
    assert page.goto(f"{live_server.url}/account/invoices/{invoice.pk}/").status == 404
    assert page.goto(f"{live_server.url}/account/invoices/{invoice.pk}/pdf/").status == 404
