"""Search in real Chromium: Anna types a misspelt question in the header box, sees grouped
suggestions (keyboard only), opens the results page, narrows by product and type and opens an
article; Clara's same search shows other facet counts and never that article."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

ARTICLE = "R100 firmware update"
QUERY = "firmwre updte r100"


def _facet_texts(page) -> list[str]:
    facets = page.get_by_role("complementary", name="Narrow the results")
    return [t.strip() for t in facets.locator("a.facet-value").all_inner_texts()]


def test_anna_finds_by_typing_and_narrowing_clara_sees_other_counts(page, live_server, demo):
    from hub.search import client as search_client
    from hub.search.models import IndexOutbox

    in_index = search_client.index().search("", {"limit": 0, "facets": ["type"]})
    waiting = list(IndexOutbox.objects.values_list("model", "attempts", "last_error")[:3])
    assert in_index["facetDistribution"]["type"].get("article"), (in_index, waiting)
    sign_in(page, live_server, "anna@aurora.example")
    box = page.get_by_role("combobox", name="Search")
    box.focus()
    box.press_sequentially(QUERY, delay=20)
    listbox = page.get_by_role("listbox", name="Suggestions")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(listbox.get_by_role("group", name="Articles")).to_be_visible()
    expect(listbox.get_by_role("option", name=ARTICLE)).to_be_visible()
    # Arrow keys move the active option; Escape closes; Enter opens the full results page.
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", re.compile(r"^suggest-"))
    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=firmwre"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Search")
    anna_facets = _facet_texts(page)

    facets = page.get_by_role("complementary", name="Narrow the results")
    facets.get_by_role("link", name=re.compile(r"^Router R100 \d+$")).click()
    expect(page).to_have_url(re.compile(r"product=router-r100"))
    facets = page.get_by_role("complementary", name="Narrow the results")
    facets.get_by_role("link", name=re.compile(r"^Article \d+$")).click()
    expect(page).to_have_url(re.compile(r"type=article"))
    hits = page.locator(".search-hits .hit-title")
    expect(hits.first).to_be_visible()
    for title in hits.all_inner_texts():
        assert "R100" in title or "R-series" in title or "router" in title.lower()
    page.locator(".search-hits").get_by_role("link", name=ARTICLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ARTICLE)

    page.context.clear_cookies()
    sign_in(page, live_server, "clara@berg.example")
    page.goto(f"{live_server.url}/search/?q={QUERY.replace(' ', '+')}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Search")
    clara_facets = _facet_texts(page)
    assert clara_facets != anna_facets
    assert not any("R100" in t or "Router" in t for t in clara_facets)
    expect(page.get_by_role("link", name=ARTICLE)).to_have_count(0)
    box = page.get_by_role("combobox", name="Search")
    box.press_sequentially(QUERY, delay=20)
    expect(page.get_by_role("listbox", name="Suggestions")).to_be_visible()
    expect(page.get_by_role("option", name=ARTICLE)).to_have_count(0)
