"""The forum in real Chromium: ask, answer, accept; and a category outside a person's audience
does not exist for them."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import field, sign_in

TITLE = "R200 loses its DHCP leases after a reboot"
# Posting runs the notification fan-out and the search drain in the request (eager Celery);
# on a busy shared CI machine that can take longer than the suite's default 10 s.
SLOW_MS = 45_000


def _as(browser, live_server, email):
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(SLOW_MS)
    other = context.new_page()
    sign_in(other, live_server, email)
    return context, other


def test_ask_answer_accept_and_outsiders_see_nothing(page, browser, live_server, demo):
    # Anna asks in Routers, previewing her Markdown first.
    page.set_default_timeout(SLOW_MS)
    sign_in(page, live_server, "anna@aurora.example")
    page.goto(f"{live_server.url}/community/")
    page.get_by_role("link", name="Routers", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Routers")
    page.get_by_role("link", name="New topic").click()
    page.get_by_label(field("Title")).fill(TITLE)
    page.get_by_label(field("Your question or message")).fill(
        "After a reboot the **leases** vanish."
    )
    page.get_by_role("button", name="Preview").click()
    preview = page.get_by_role("region", name="Preview")
    expect(preview.locator("strong")).to_have_text("leases")
    expect(page.get_by_label(field("Title"))).to_have_value(TITLE)
    page.get_by_role("button", name="Post topic").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    topic_url = page.url

    # Aki answers.
    aki_context, aki = _as(browser, live_server, "aki@aurora.example")
    aki.goto(topic_url)
    aki.get_by_label(field("Your reply")).fill("Turn on *persistent leases* under DHCP settings.")
    aki.get_by_role("button", name="Post reply").click()
    expect(aki.locator(".post-body em", has_text="persistent leases")).to_be_visible()
    expect(aki.get_by_role("button", name="Accept this answer")).to_have_count(0)
    aki_context.close()

    # Anna accepts it; the answer shows right under the question.
    page.reload()
    page.get_by_role("button", name="Accept this answer").click()
    expect(page.get_by_text("The answer is marked as accepted.")).to_be_visible()
    accepted = page.get_by_role("region", name="Accepted answer")
    expect(accepted).to_contain_text("persistent leases")
    order = page.eval_on_selector_all(
        ".thread > article, .thread > section", "els => els.map(e => e.className)"
    )
    assert order[0].startswith("post") and "accepted-answer" in order[1], order

    # Clara (partner, switches) sees neither the category nor the topic.
    clara_context, clara = _as(browser, live_server, "clara@berg.example")
    clara.goto(f"{live_server.url}/community/")
    expect(clara.get_by_role("heading", level=1)).to_have_text("Community")
    expect(clara.get_by_role("link", name="Partner lounge")).to_be_visible()
    expect(clara.get_by_role("link", name="Routers", exact=True)).to_have_count(0)
    assert clara.goto(topic_url).status == 404
    assert clara.goto(f"{live_server.url}/community/c/routers/").status == 404
    expect(clara.get_by_text(re.compile("DHCP leases"))).to_have_count(0)
    clara_context.close()


def test_hostile_posts_run_no_script_in_chromium(page, live_server, transactional_db):
    from community import services
    from community.models import Category
    from tests.community.test_markdown import CORPUS
    from tests.factories import make_user

    author = make_user(email="mallory@example.test")
    reader = make_user(email="reader@example.test", password="reader-password-1")
    category = Category.objects.create(name="Open", slug="open")
    # External images are blocked by the site's CSP (img-src 'self'), which the page fixture
    # would report: point them at this site, so that any violation left is a real finding.
    payload = [s.replace("alert(1)", "window.__xss=1").replace("https://", "/") for s in CORPUS]
    topic = services.topic_create(
        category=category, author=author, kind="discussion", title="Hostile", body=payload[0]
    )
    for body in payload[1:]:
        services.post_create(topic=topic, author=author, body=body)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, live_server, reader.email, "reader-password-1")
    pages = -(-topic.reply_count // 20)
    for number in range(1, pages + 1):
        page.goto(f"{live_server.url}{topic.get_absolute_url()}?page={number}")
        expect(page.get_by_role("heading", level=1)).to_have_text("Hostile")
        for link in page.locator(".post-body a").all()[:30]:
            href = link.get_attribute("href") or ""
            assert not re.match(r"\s*(javascript|data|vbscript):", href, re.I), href
        page.mouse.move(10, 10)
        assert page.evaluate("() => window.__xss") is None
    assert dialogs == []
