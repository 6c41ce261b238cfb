"""Real-Chromium flows against pytest-django's live server.

One headless Chromium (Debian's, never a downloaded one) serves the whole session; every test
gets a fresh browser context and a database restored to its migrated state (serialized
rollback: the flush after a transactional test would otherwise take Wagtail's root page, the
default site and the Editors/Moderators groups with it). A failed test leaves a screenshot in
test-results/<test name>.png. A page that breaks the Content Security Policy fails its test.
"""

import io
import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from hub.management.commands.seed_demo import DEMO_PASSWORD
from tests.conftest import require

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse the
# test's own ORM calls with SynchronousOnlyOperation.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEFAULT_TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(items):
    for item in items:
        if "/tests/e2e/" in str(item.path):
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so that fixtures can see whether the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="session")
def browser():
    require(CHROMIUM.exists(), f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's sync API leaves its event loop "running" in this thread, and from then on
    # Django looks its connections up in a context-local store instead of the thread-local one
    # (asgiref's Local). Carry the thread's connection objects over, or a test would get a
    # fresh one that lacks what the test database setup left on the old (the serialized
    # contents that serialized rollback restores).
    wrappers = {alias: connections[alias] for alias in connections}
    playwright = sync_playwright().start()
    for alias, wrapper in wrappers.items():
        connections[alias] = wrapper
    try:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
    except Exception:
        playwright.stop()
        raise
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def page(request, browser, live_server, transactional_db, django_db_serialized_rollback):
    """A fresh browser context (no cookies) on the live server, English UI."""
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", viewport={"width": 1280, "height": 800}
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    csp_violations: list[str] = []
    page.on(
        "console",
        lambda msg: (
            csp_violations.append(f"{page.url}: {msg.text}")
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        out = Path(request.config.rootpath) / "test-results"
        out.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.@-]+", "_", request.node.name).strip("_")
        try:
            page.screenshot(path=str(out / f"{name}.png"), full_page=True)
        except Exception as exc:  # a crashed page must not hide the test's own failure
            print(f"screenshot failed: {exc}")
    context.close()
    assert not csp_violations, "Content Security Policy violations:\n" + "\n".join(csp_violations)


@pytest.fixture
def demo(request, meilisearch_server, transactional_db, django_db_serialized_rollback):
    """The demo personas and content of DESIGN.md, as `make run` creates them. With Meilisearch
    running, the content goes into a search index of this test's own (deleted afterwards);
    without it the outbox rows simply wait, as they would in production."""
    if meilisearch_server.available:
        request.getfixturevalue("meilisearch")
    call_command("seed_demo", stdout=io.StringIO())


def field(text: str) -> re.Pattern:
    """A form field's accessible name, with or without Django's label suffix ("Email:")."""
    return re.compile(rf"^\s*{re.escape(text)}:?\s*$")


def sign_in(page, live_server, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the real allauth form, found by its labels and roles as a screen reader
    would find it. Leaves the page wherever the sign-in lands (dashboard, MFA prompt, error)."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label(field("Email")).fill(email)
    page.get_by_label(field("Password")).fill(password)
    page.get_by_role("button", name="Sign In").click()
