"""The knowledge hub in real Chromium: a customer reads an article with a callout and a
document, votes it helpful and downloads the document; a customer outside its audience cannot
reach the article or the document by URL."""

import pytest
from playwright.sync_api import expect

from knowledge.models import ArticleFeedback, ArticlePage, Document
from tests.e2e.conftest import sign_in

ARTICLE = "R-series field diagnostics for technicians"


@pytest.fixture
def documents_folder(settings, tmp_path):
    """The demo's document files go to a temporary folder, never into var/."""
    settings.DOCUMENTS_ROOT = tmp_path / "documents"


def test_anna_reads_votes_and_downloads_clara_is_kept_out(
    documents_folder, page, live_server, demo
):
    sign_in(page, live_server, "anna@aurora.example")
    page.goto(f"{live_server.url}/knowledge/")
    page.get_by_role("link", name="Routers").click()
    page.get_by_role("link", name=ARTICLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ARTICLE)
    expect(page.get_by_role("note")).to_contain_text("Do not power-cycle the router")
    expect(page.locator("pre code")).to_contain_text("show log diagnostics")
    article_url = page.url

    page.get_by_role("button", name="Yes, helpful").click()
    expect(page.get_by_text("You found this helpful.")).to_be_visible()
    article = ArticlePage.objects.get(title=ARTICLE)
    vote = ArticleFeedback.objects.get(page=article, user__email="anna@aurora.example")
    assert vote.helpful

    with page.expect_download() as download_info:
        page.get_by_role("link", name="R-series quick start guide").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as f:
        assert f.read().startswith(b"%PDF-")
    document_url = Document.objects.get(title="R-series quick start guide").url

    page.context.clear_cookies()
    sign_in(page, live_server, "clara@berg.example")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Clara")
    assert page.goto(article_url).status == 404
    assert page.request.get(f"{live_server.url}{document_url}").status == 404
    page.goto(f"{live_server.url}/knowledge/documents/")
    expect(page.get_by_text("R-series quick start guide")).to_have_count(0)
