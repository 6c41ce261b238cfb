"""`manage.py import_articles`: a real folder tree of Markdown and HTML files becomes sections
and articles; hostile markup never gets through; a second run updates instead of
duplicating; images and links are kept where they resolve; what is skipped is reported."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Page

from hub.search.services import build_document
from knowledge.importer import Importer, convert
from knowledge.models import ArticlePage, SectionPage, SubscriberNotice, Subscription
from notifications.models import Notification
from tests.factories import make_member
from tests.knowledge.conftest import add_page

pytestmark = pytest.mark.django_db

SETUP_HTML = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Setting up | Old help centre</title>
<meta name="description" content="Unpack, cable and switch on.">
<style>body { color: red }</style><script>steal()</script></head>
<body><nav><a href="index.html">Home</a></nav>
<h1>Setting up the router</h1>
<p>Plug it <strong>in</strong> and read <a href="advanced/vpn.md#keys">the VPN guide</a>,
<a href="../outside.html">a page outside</a> and <a href="https://example.com/x">the web</a>.</p>
<p><img src="img/led.png" alt="The LED panel"></p>
<div class="admonition warning"><p class="admonition-title">Warning</p>
<p>Do not unplug it while it updates.</p></div>
<pre><code class="language-bash">ssh admin@192.168.1.1</code></pre>
<table><thead><tr><th>LED</th><th>Meaning</th></tr></thead>
<tbody><tr><td>Green</td><td>Online</td></tr></tbody></table>
<h2>Next steps</h2><ul><li>Register the device</li></ul>
<footer>(c) 2019</footer></body></html>
"""

VPN_MD = """---
title: Site-to-site VPN
tags: vpn
---
Connect two offices. Start with [the set-up](../setup.html) and see the
[guides](../) and [the screenshot](../img/led.png).

![The LED panel](../img/led.png)

```yaml
tunnel: office-b
```

| Field | Value |
|-------|-------|
| Peer  | 10.0.0.2 |
"""

HOSTILE_HTML = """<html><head><title>Hostile</title><script>alert(1)</script></head><body>
<p onclick="alert(2)" style="color:red">Click <a href="javascript:alert(3)">here</a>,
<a href="java&#09;script:alert(4)">there</a>,
<a href="data:text/html,<script>alert(5)</script>">data</a>
and <a href="kumppani-import-page:1">a forged page link</a>.</p>
<img src="img/led.png" onerror="alert(6)" alt="LED">
<img src="javascript:alert(7)"><img src="https://tracker.example/pixel.gif">
<iframe src="https://evil.example/"></iframe><object data="x.swf"></object>
<svg><script>alert(8)</script></svg><form action="/x"><input name="q"></form>
<p>Text after <b onmouseover="alert(9)">bold</b>.</p>
<div class="note" onload="alert(10)"><p>A note <iframe src="https://evil.example/"></iframe></p></div>
<noscript><p>no script</p></noscript><style>p{}</style>
</body></html>
"""


def _png(path, colour="red"):
    path.parent.mkdir(parents=True, exist_ok=True)
    PILImage.new("RGB", (8, 6), colour).save(path)


@pytest.fixture
def tree(tmp_path):
    """guides/ with an HTML page, a Markdown page in a sub-folder, an index and an image."""
    root = tmp_path / "export"
    guides = root / "guides"
    (guides / "advanced").mkdir(parents=True)
    _png(guides / "img" / "led.png")
    (guides / "setup.html").write_text(SETUP_HTML, encoding="utf-8")
    (guides / "advanced" / "vpn.md").write_text(VPN_MD, encoding="utf-8")
    (guides / "index.md").write_text("# Router guides\n\nAll the guides.\n", encoding="utf-8")
    (root / "welcome.md").write_text("# Welcome\n\nThe old help centre.\n", encoding="utf-8")
    return root


@pytest.fixture
def section(world):
    return add_page(world.root, SectionPage, title="Routers", slug="routers")


def _import(root, *args, section="routers"):
    out = io.StringIO()
    call_command("import_articles", str(root), "--section", section, *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what the block queued for after commit (the delivery task)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _told() -> dict[str, str]:
    return dict(Notification.objects.values_list("recipient__email", "title"))


def _article(slug) -> ArticlePage:
    return ArticlePage.objects.get(slug=slug)


def _blocks(page) -> list[dict]:
    return [{"type": b["type"], "value": b["value"]} for b in page.body.raw_data]


def test_folders_become_sections_and_files_articles(world, section, tree):
    output = _import(tree, "--product", "router", "--region", "finland")
    assert "4 created" in output and "pages/s" in output

    guides = SectionPage.objects.child_of(section).get(slug="guides")
    assert guides.title == "Router guides"  # from its index file
    advanced = SectionPage.objects.child_of(guides).get(slug="advanced")
    assert advanced.title == "Advanced"
    setup = ArticlePage.objects.child_of(guides).get(slug="setup")
    vpn = ArticlePage.objects.child_of(advanced).get(slug="vpn")
    assert ArticlePage.objects.child_of(section).get(slug="welcome").title == "Welcome"
    assert setup.title == "Setting up the router"  # the first heading, not <title>
    assert vpn.title == "Site-to-site VPN"  # front matter
    assert setup.summary == "Unpack, cable and switch on."
    assert vpn.summary.startswith("Connect two offices.")

    # Without --publish everything is a draft; the audience is the one asked for.
    assert not setup.live and not guides.live
    assert [p.slug for p in setup.audience_products.all()] == ["router"]
    assert [r.slug for r in setup.effective_regions.all()] == ["finland"]
    assert [p.slug for p in guides.audience_products.all()] == ["router"]


def test_blocks_map_to_the_article_stream(world, section, tree):
    _import(tree, "--publish")
    setup = _article("setup")
    assert setup.live
    types = [b["type"] for b in _blocks(setup)]
    assert types == ["paragraph", "image", "callout", "code", "table", "heading", "paragraph"]
    blocks = _blocks(setup)
    assert blocks[0]["value"].startswith("<p>Plug it <b>in</b> and read")
    assert blocks[2]["value"] == {
        "kind": "warning",
        "text": "<p>Do not unplug it while it updates.</p>",
    }
    assert blocks[3]["value"] == {"language": "shell", "code": "ssh admin@192.168.1.1"}
    assert blocks[4]["value"]["data"] == [["LED", "Meaning"], ["Green", "Online"]]
    assert blocks[4]["value"]["first_row_is_table_header"] is True
    assert blocks[5]["value"] == "Next steps"
    assert blocks[6]["value"] == "<ul><li>Register the device</li></ul>"
    text = json.dumps(blocks)
    assert "Home" not in text and "(c) 2019" not in text  # site chrome is not content

    vpn_types = [b["type"] for b in _blocks(_article("vpn"))]
    assert vpn_types == ["paragraph", "image", "code", "table"]
    assert _blocks(_article("vpn"))[2]["value"]["language"] == "yaml"


def test_hostile_html_is_disarmed(world, section, tmp_path):
    root = tmp_path / "hostile"
    _png(root / "img" / "led.png")
    (root / "hostile.html").write_text(HOSTILE_HTML, encoding="utf-8")
    output = _import(root, "--publish")
    page = _article("hostile")
    stored = json.dumps(list(page.body.raw_data)).lower()
    bad_words = "alert script onerror onclick onmouseover onload iframe style <svg <form <input"
    for bad in (*bad_words.split(), "<object", "data:", "tracker", "kumppani-import"):
        assert bad not in stored, bad
    assert 'linktype=\\"page\\" id=\\"1\\"' not in stored  # the forged link is not a link
    types = [b["type"] for b in _blocks(page)]
    assert types == ["paragraph", "image", "paragraph", "callout"]
    assert "<b>bold</b>" in _blocks(page)[2]["value"]
    assert "not a file in the import folder" in output  # the tracker pixel is reported

    # And the page renders for a reader without any of it.
    from django.test import Client

    client = Client()
    client.force_login(world.anna)
    html = client.get(page.url).content.decode()
    assert "alert(" not in html and "javascript:" not in html


def test_links_and_images_resolve_to_imported_pages(world, section, tree):
    output = _import(tree, "--publish")
    setup, vpn = _article("setup"), _article("vpn")
    guides = SectionPage.objects.get(slug="guides")
    first = _blocks(setup)[0]["value"]
    # A forward link (vpn.md is imported after setup.html) and a back link.
    assert f'<a linktype="page" id="{vpn.pk}">the VPN guide</a>' in first
    assert f'<a linktype="page" id="{setup.pk}">the set-up</a>' in _blocks(vpn)[0]["value"]
    assert f'<a linktype="page" id="{guides.pk}">guides</a>' in _blocks(vpn)[0]["value"]
    assert '<a href="https://example.com/x">the web</a>' in first
    assert "a page outside" in first and "outside.html" not in first
    assert "'../outside.html' does not lead to an imported file" in output

    # One image, stored once though two files show it, with the alt text of each.
    image_model = get_image_model()
    assert image_model.objects.count() == 1
    image = image_model.objects.get()
    assert image.collection.name == "Imported: Routers"
    image_blocks = [b["value"] for p in (setup, vpn) for b in _blocks(p) if b["type"] == "image"]
    assert image_blocks == [
        {"image": image.pk, "alt_text": "The LED panel", "caption": ""},
        {"image": image.pk, "alt_text": "The LED panel", "caption": ""},
    ]

    from django.test import Client

    client = Client()
    client.force_login(world.anna)
    html = client.get(setup.url).content.decode()
    assert f'href="{vpn.url}"' in html
    assert "<img" in html


def test_a_second_run_updates_instead_of_duplicating(world, section, tree):
    _import(tree, "--publish")
    pages = Page.objects.count()
    setup = _article("setup")
    revisions = setup.revisions.count()

    output = _import(tree, "--publish")
    assert "0 created, 0 updated, 4 unchanged" in output
    assert Page.objects.count() == pages
    assert get_image_model().objects.count() == 1
    assert _article("setup").revisions.count() == revisions  # nothing written

    (tree / "guides" / "setup.html").write_text(
        SETUP_HTML.replace("Register the device", "Register the device online"), encoding="utf-8"
    )
    output = _import(tree, "--publish")
    assert "0 created, 1 updated, 3 unchanged" in output
    assert Page.objects.count() == pages
    setup = _article("setup")
    assert setup.pk == _article("setup").pk and setup.live
    assert _blocks(setup)[-1]["value"] == "<ul><li>Register the device online</li></ul>"
    assert setup.revisions.count() == revisions + 1


def test_a_second_run_without_publish_leaves_a_draft_on_a_live_page(world, section, tree):
    _import(tree, "--publish")
    (tree / "welcome.md").write_text("# Welcome\n\nThe new help centre.\n", encoding="utf-8")
    output = _import(tree)
    assert "1 updated" in output
    welcome = _article("welcome")
    assert welcome.live and welcome.has_unpublished_changes
    assert "The old help centre." in _blocks(welcome)[0]["value"]  # still what readers see
    latest = welcome.get_latest_revision_as_object()
    assert "The new help centre." in latest.body.raw_data[0]["value"]


def test_skipped_files_are_reported_and_do_not_stop_the_run(world, section, tmp_path):
    root = tmp_path / "mixed"
    root.mkdir()
    (root / "good.md").write_text("# Good\n\nFine content.\n", encoding="utf-8")
    (root / "notes.txt").write_text("not a help page", encoding="utf-8")
    (root / "logo.svg").write_text("<svg><script>alert(1)</script></svg>", encoding="utf-8")
    (root / "empty.html").write_text("<html><body><script>x()</script></body></html>")
    (root / "latin1.html").write_bytes("<p>Käyttöohje</p>".encode("latin-1"))
    (root / "declared.html").write_bytes(
        '<meta charset="iso-8859-1"><h1>Käyttöohje</h1><p>Hyvä.</p>'.encode("latin-1")
    )
    (root / "binary.html").write_bytes(b"\x00\x01PK\x03\x04" * 10)
    (root / "huge.md").write_text("# Huge\n\n" + "word " * 400_000, encoding="utf-8")
    (root / "broken-image.md").write_text("# Pictures\n\nText.\n\n![x](missing.png)\n")
    _png(root / "bad.png")
    (root / "bad.png").write_bytes(b"\x89PNG not really")
    (root / "corrupt.md").write_text("# Corrupt\n\nText.\n\n![x](bad.png)\n")
    (root / ".hidden").mkdir()
    (root / ".hidden" / "secret.md").write_text("# Secret\n")
    # A page that is not an article already has this file's address.
    add_page(section, SectionPage, title="Clash", slug="clash")
    (root / "clash.md").write_text("# Clash\n\nText.\n")

    output = _import(root, "--max-size-mb", "1")
    assert "4 created" in output  # good, declared, broken-image, corrupt
    lines = output.splitlines()
    expected = {
        "notes.txt: unsupported type (.txt)",
        "logo.svg: unsupported type (.svg)",
        "empty.html: empty: no content left after cleaning",
        "latin1.html: unreadable encoding: not UTF-8 and no charset declared",
        "binary.html: unreadable encoding: binary content",
        "huge.md: too large (1.9 MB, limit 1.0 MB)",
        "clash.md: a page that is not an article has the address clash",
        "broken-image.md: image 'missing.png' not imported: file not found",
        "corrupt.md: image 'bad.png' not imported: not a readable image",
    }
    assert expected <= {line.strip() for line in lines}, output
    assert "secret" not in output.lower()
    assert _article("declared").title == "Käyttöohje"
    assert {p.slug for p in ArticlePage.objects.child_of(section)} == {
        "good", "declared", "broken-image", "corrupt"
    }  # fmt: skip


def test_clear_errors_for_a_wrong_section_or_audience(world, section, tree):
    with pytest.raises(CommandError, match=r"No section with the slug 'nope'.*routers"):
        call_command("import_articles", str(tree), "--section", "nope", stdout=io.StringIO())
    with pytest.raises(
        CommandError, match=r"Unknown product tablet\. Valid products: r100, router"
    ):
        _import(tree, "--product", "tablet")
    with pytest.raises(CommandError, match=r"Unknown region mars\. Valid regions: dach, "):
        _import(tree, "--region", "mars")
    with pytest.raises(CommandError, match=r"Unknown role boss\. Valid roles: partner, technician"):
        _import(tree, "--role", "boss")
    narrow = add_page(world.root, SectionPage, title="Switch corner", products=[world.switch])
    with pytest.raises(CommandError, match="cannot be wider than its section"):
        call_command(
            "import_articles", str(tree), "--section", narrow.slug, "--product", "router",
            stdout=io.StringIO(),
        )  # fmt: skip
    with pytest.raises(CommandError, match="is not a folder"):
        _import(tree / "nothing-here")
    assert not ArticlePage.objects.exists()


def test_the_importer_api_reports_pages_per_second(world, section, tree):
    report = Importer(section=section, stdout=io.StringIO()).run(tree)
    assert report.created == 4 and report.imported == 4
    assert report.pages_per_second > 0
    assert report.sections_created == 2


def test_convert_alone_needs_no_database():
    converted = convert(
        "<h2>Only a sub-heading</h2><p>Body <em>text</em></p>",
        "html",
        filename="fallback-name.html",
        resolve_link=lambda _t: None,
        resolve_image=lambda _s: (None, "no"),
    )
    assert converted.title == "Only a sub-heading"
    assert converted.blocks == [{"type": "paragraph", "value": "<p>Body <i>text</i></p>"}]
    untitled = convert(
        "<p>Just text</p>",
        "html",
        filename="old-faq_page.htm",
        resolve_link=lambda _t: None,
        resolve_image=lambda _s: (None, "no"),
    )
    assert untitled.title == "Old faq page"


# --- followers and the import --------------------------------------------------------------


def test_an_import_tells_each_follower_once_what_they_may_see(world, section, tree, committed):
    manuals = add_page(section, SectionPage, title="Manuals")
    anne = make_member(
        world.anna.memberships.get().organisation, roles=[world.technician], email="an@a.test"
    )
    Subscription.objects.create(user=world.anna, page=section)  # a section above the import
    Subscription.objects.create(user=anne, page=manuals)  # the import's own section
    Subscription.objects.create(user=world.clara, page=manuals)  # may not see router pages
    with committed():
        output = _import(tree, "--product", "router", "--publish", section="manuals")
    assert "4 created" in output and "get one notification of this import" in output
    assert _told() == {
        "anna@aurora.test": "4 articles added in “Manuals”",
        "an@a.test": "4 articles added in “Manuals”",
    }
    assert Notification.objects.count() == 2
    assert set(Notification.objects.values_list("url", flat=True)) == {manuals.url}
    assert set(Notification.objects.values_list("kind", flat=True)) == {"knowledge.published"}
    assert not SubscriberNotice.objects.exists()


def test_a_second_import_sends_one_summary_not_one_per_page(world, section, tree, committed):
    with committed():
        _import(tree, "--publish")
    guides = SectionPage.objects.get(slug="guides")
    anne = make_member(
        world.anna.memberships.get().organisation, roles=[world.technician], email="an@a.test"
    )
    Subscription.objects.create(user=world.anna, page=section)
    Subscription.objects.create(user=anne, page=guides)  # a section the first import made
    Subscription.objects.create(user=world.clara, page=_article("setup"))  # one article
    Subscription.objects.create(user=world.anna, page=_article("welcome"))  # told once anyway
    setup = tree / "guides" / "setup.html"
    setup.write_text(SETUP_HTML.replace("Register the device", "Register it"), encoding="utf-8")
    (tree / "welcome.md").write_text("# Welcome\n\nThe new help centre.\n", encoding="utf-8")
    (tree / "news.md").write_text("# News\n\nFresh from the import.\n", encoding="utf-8")

    with committed():
        output = _import(tree, "--publish")
    assert "1 created, 2 updated, 2 unchanged" in output
    # Each publication of an updated page would tell the article's followers on its own: the
    # import holds those back and sends one summary per person, of what lies where they follow.
    assert _told() == {
        "anna@aurora.test": "1 article added and 2 updated in “Routers”",
        "an@a.test": "1 article updated in “Routers”",
        "clara@berg.test": "1 article updated in “Routers”",
    }
    assert Notification.objects.count() == 3 and not SubscriberNotice.objects.exists()

    Notification.objects.all().delete()
    with committed():
        output = _import(tree, "--publish")
    assert "0 created, 0 updated, 5 unchanged" in output
    assert not Notification.objects.exists()  # nothing changed, nobody is told


def test_an_import_of_drafts_tells_nobody(world, section, tree, committed):
    Subscription.objects.create(user=world.anna, page=section)
    with committed():
        output = _import(tree)
    assert "4 created" in output and "notification" not in output
    assert not Notification.objects.exists() and not SubscriberNotice.objects.exists()


def test_the_import_sets_the_content_language(world, section, tree):
    _import(tree, "--language", "fi", "--publish")
    setup = _article("setup")
    assert setup.language == "fi"
    document = build_document(setup)
    assert document["language"] == "fi"
    assert document["title_fi"] == setup.title and "body_fi" in document  # Finnish tokenising

    output = _import(tree, "--language", "de", "--publish")
    assert "0 created, 4 updated" in output  # the language is part of the content
    assert set(ArticlePage.objects.values_list("language", flat=True)) == {"de"}
    with pytest.raises(CommandError, match="invalid choice: 'sv'"):
        _import(tree, "--language", "sv")
