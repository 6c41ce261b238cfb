"""Every body block renders through its template, and gives the search index plain text. The
video block never needs the network: an embed that cannot be fetched becomes a plain link."""

import io

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model

from knowledge.models import ArticlePage, SectionPage
from tests.knowledge.conftest import add_document, add_page

pytestmark = pytest.mark.django_db

# No oEmbed provider matches this host, so Wagtail gives up without a request.
UNREACHABLE_VIDEO = "https://video.example.invalid/watch/42"


def _image():
    buffer = io.BytesIO()
    PILImage.new("RGB", (4, 3), "teal").save(buffer, format="PNG")
    return get_image_model().objects.create(
        title="Router front", file=ImageFile(buffer, name="router.png")
    )


@pytest.fixture
def article(world):
    section = add_page(world.root, SectionPage, title="Open")
    related = add_page(section, ArticlePage, title="Related guide")
    doc = add_document("Quick start")
    body = [
        ("heading", "Before you start"),
        ("paragraph", "<p>Plain <b>rich</b> text.</p>"),
        ("callout", {"kind": "warning", "text": "<p>Mind the power supply.</p>"}),
        ("code", {"language": "shell", "code": "show log <diagnostics>"}),
        ("image", {"image": _image(), "alt_text": "Front panel", "caption": "The LEDs"}),
        ("video", {"video": UNREACHABLE_VIDEO, "caption": "Unboxing"}),
        (
            "table",
            {
                "first_row_is_table_header": True,
                "first_col_is_header": False,
                "data": [["LED", "Meaning"], ["Amber", "Updating"]],
            },
        ),
        ("document", doc),
        ("related_article", related),
    ]
    return add_page(section, ArticlePage, title="Everything", body=body)


def test_every_block_renders(client, world, article):
    client.force_login(world.anna)
    response = client.get(article.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h2 id="before-you-start">Before you start</h2>' in html
    assert "<b>rich</b>" in html
    assert 'class="callout callout-warning"' in html and "Mind the power supply." in html
    assert (
        '<pre class="code"><code class="language-shell">show log &lt;diagnostics&gt;</code></pre>'
        in html
    )
    assert 'alt="Front panel"' in html and "<figcaption>The LEDs</figcaption>" in html
    assert f'<a href="{UNREACHABLE_VIDEO}"' in html and "<iframe" not in html
    assert "<th" in html and "Updating" in html
    assert "Quick start" in html and "Related guide" in html


def test_body_text_covers_every_block_type(article):
    text = article.body_text()
    for expected in (
        "Before you start",
        "Plain rich text.",
        "Mind the power supply.",
        "show log <diagnostics>",
        "The LEDs",
        "Unboxing",
        "Amber Updating",
    ):
        assert expected in text
    assert "<" not in text.replace("<diagnostics>", "")
    assert article.search_document()["body"] == text[:20000]


def test_a_table_with_numbers_and_empty_cells_is_searchable_text():
    """Imports and the API may store numbers where the editor keeps text."""
    from knowledge.blocks import block_text

    value = {"data": [["Port", 8443, None], [1.5, "", "TLS"]]}
    assert block_text("table", value) == "Port 8443\n1.5  TLS"


def test_last_reviewed_and_tags_show(client, world):
    import datetime

    section = add_page(world.root, SectionPage, title="Open")
    page = add_page(section, ArticlePage, title="Reviewed", last_reviewed=datetime.date(2026, 9, 1))
    page.tags.add("vpn", "firmware")
    page.save_revision().publish()
    client.force_login(world.anna)
    html = client.get(page.url).content.decode()
    assert "Last reviewed" in html and "2026" in html
    assert (
        '<span class="badge">firmware</span>' in html and '<span class="badge">vpn</span>' in html
    )
    page = ArticlePage.objects.get(pk=page.pk)
    assert page.search_document()["tags"] == ["firmware", "vpn"]
