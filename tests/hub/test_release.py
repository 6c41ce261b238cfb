"""hub.release: the name of the running code that the page cache's keys carry."""

import pytest

from hub import release


@pytest.fixture(autouse=True)
def _fresh():
    release.release_id.cache_clear()
    yield
    release.release_id.cache_clear()


def test_a_configured_release_id_is_used_as_it_is(settings):
    settings.RELEASE_ID = "3f2c9e1"
    assert release.release_id() == "3f2c9e1"


def test_the_digest_follows_code_templates_and_translations_only(settings, tmp_path):
    settings.RELEASE_ID = ""
    settings.BASE_DIR = tmp_path
    (tmp_path / "templates").mkdir()
    template = tmp_path / "templates" / "page.html"
    template.write_text("<h1>{{ title }}</h1>")
    (tmp_path / "var").mkdir()
    first = release.release_id()
    assert first == release.release_id() and len(first) == 16

    # Uploads, logs and the like (var/, tests/, other kinds of file) change nothing.
    (tmp_path / "var" / "upload.html").write_text("<p>a file someone uploaded</p>")
    (tmp_path / "notes.md").write_text("notes")
    release.release_id.cache_clear()
    assert release.release_id() == first

    template.write_text("<h1 class='title'>{{ title }}</h1>")  # a deploy that changed markup
    release.release_id.cache_clear()
    assert release.release_id() != first
