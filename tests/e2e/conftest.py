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
import shutil
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, connections

from hub import pg
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
            # Under pytest-xdist (--dist loadgroup) the browser flows share one worker, its
            # Chromium and its demo snapshot, while the other workers take the rest.
            item.add_marker(pytest.mark.xdist_group("browser"))


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


FILE_ROOTS = (
    "MEDIA_ROOT",
    "DOCUMENTS_ROOT",
    "COMMUNITY_IMAGES_ROOT",
    "RENDITIONS_ROOT",
    "EXPORTS_ROOT",
    "SUPPORT_FILES_ROOT",
)


class DemoSnapshot:
    """The seeded demo, kept once per test process: a PostgreSQL database made from the test
    database right after the first `seed_demo` (CREATE DATABASE ... TEMPLATE), and a copy of the
    files it wrote. Later tests get the same state by cloning that database back (about a
    second, where seeding takes half a minute) and copying the files; the search index is
    rebuilt from the restored rows. pytest-django's flush after each test works as before. On
    SQLite every test simply seeds."""

    def __init__(self):
        self.template: str | None = None
        self.files = Path(tempfile.mkdtemp(prefix="kumppani-demo-files-"))

    def _copy(self, source: Path, target: Path) -> None:
        if source.exists():
            shutil.copytree(source, target, dirs_exist_ok=True)

    def load(self, settings, *, search: bool) -> None:
        name = connection.settings_dict["NAME"]
        if connection.vendor != "postgresql":
            call_command("seed_demo", stdout=io.StringIO())
            return
        if self.template is None:
            call_command("seed_demo", stdout=io.StringIO())
            for setting in FILE_ROOTS:
                self._copy(Path(getattr(settings, setting)), self.files / setting)
            connections.close_all()
            with pg.admin_connection() as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}_demo" WITH (FORCE)')
                _terminate(admin, name)
                admin.execute(f'CREATE DATABASE "{name}_demo" TEMPLATE "{name}"')
            self.template = f"{name}_demo"
            return
        connections.close_all()
        with pg.admin_connection() as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        for setting in FILE_ROOTS:
            self._copy(self.files / setting, Path(getattr(settings, setting)))
        if search:
            from hub.search.services import search_reindex

            search_reindex()

    def drop(self) -> None:
        shutil.rmtree(self.files, ignore_errors=True)
        if self.template:
            with pg.admin_connection() as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')


def _terminate(admin, name: str) -> None:
    """End the live server's idle connections to `name` (a template must have no users)."""
    admin.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        " WHERE datname = %s AND pid <> pg_backend_pid()",
        (name,),
    )


@pytest.fixture(scope="session")
def _demo_snapshot():
    snapshot = DemoSnapshot()
    yield snapshot
    snapshot.drop()


@pytest.fixture
def demo(
    request,
    settings,
    tmp_path,
    meilisearch_server,
    transactional_db,
    django_db_serialized_rollback,
    _demo_snapshot,
):
    """The demo personas and content of DESIGN.md, as `make run` creates them. With Meilisearch
    running, the content goes into a search index of this test's own (deleted afterwards);
    without it the outbox rows simply wait, as they would in production. Files go to this test's
    own folders (unless the test chose folders first), never into var/."""
    for setting in FILE_ROOTS:
        if Path(getattr(settings, setting)).is_relative_to(settings.VAR_DIR):
            setattr(settings, setting, tmp_path / setting.lower())
    if meilisearch_server.available:
        request.getfixturevalue("meilisearch")
    _demo_snapshot.load(settings, search=meilisearch_server.available)


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
