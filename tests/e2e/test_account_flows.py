"""The account modules in real Chromium, as the demo personas use them."""

from playwright.sync_api import expect

from tests.e2e.conftest import field, sign_in


def test_admin_contact_edits_billing_address_and_adds_an_office(page, live_server, demo):
    sign_in(page, live_server, "aki@aurora.example")
    page.goto(f"{live_server.url}/account/")
    page.get_by_role("navigation", name="Account sections").get_by_role(
        "link", name="Company"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aurora Oy")

    page.get_by_label(field("Billing street")).fill("Teollisuuskatu 7")
    page.get_by_label(field("Billing city")).fill("Oulu")
    page.get_by_role("button", name="Save company details").click()

    expect(page.get_by_role("status").or_(page.locator(".messages"))).to_contain_text(
        "The company details were saved."
    )
    log = page.get_by_role("region", name="Change log")
    expect(log.get_by_role("row").filter(has_text="Billing street")).to_contain_text(
        "— → Teollisuuskatu 7"
    )
    expect(log.get_by_role("row").filter(has_text="Billing city")).to_contain_text("→ Oulu")

    page.goto(f"{live_server.url}/account/offices/")
    page.get_by_role("link", name="Add an office").click()
    page.get_by_label(field("Name")).fill("Oulu service point")
    page.get_by_label(field("City")).fill("Oulu")
    page.get_by_role("button", name="Save office").click()
    offices = page.get_by_role("list", name="Offices")
    expect(offices.get_by_role("listitem").filter(has_text="Oulu service point")).to_have_count(1)
    expect(offices.get_by_role("link", name="Edit Oulu service point")).to_be_visible()
    # The demo's own offices are still there.
    expect(offices.get_by_role("listitem").filter(has_text="Helsinki office")).to_have_count(1)


def test_basic_profile_cannot_reach_the_company_module(page, live_server, demo):
    sign_in(page, live_server, "anna@aurora.example")
    page.goto(f"{live_server.url}/account/")
    sections = page.get_by_role("navigation", name="Account sections")
    expect(sections.get_by_role("link", name="My details")).to_be_visible()
    expect(sections.get_by_role("link", name="Company")).to_have_count(0)

    response = page.goto(f"{live_server.url}/account/company/")
    assert response.status == 404
