"""The importer's cost per file does not grow with the size of the import (no lookups that
scan what was imported before), measured in SQL queries at two sizes of a generated
documentation set. `make_doc_set` also generates the 2,000-page set for the timing run:

    .venv/bin/python manage.py shell -c "from tests.knowledge.test_import_scale import \
make_doc_set; make_doc_set('/tmp/docs', pages=2000)"
    .venv/bin/python manage.py import_articles /tmp/docs --section routers --publish
"""

import io
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image as PILImage

from knowledge.importer import Importer
from knowledge.models import ArticlePage, SectionPage
from tests.knowledge.conftest import add_page

pytestmark = pytest.mark.django_db

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | Old Help Centre</title>
<meta name="description" content="{summary}">
<link rel="stylesheet" href="../static/site.css"><script src="../static/site.js"></script>
</head><body>
<header><a href="../index.html">Old Help Centre</a></header>
<nav><ul><li><a href="../index.html">Home</a></li><li><a href="{next}">Next</a></li></ul></nav>
<main>
<h1>{title}</h1>
<p>{summary} This guide applies to firmware 3.{n} and later. Read it once before you begin,
and keep the <strong>serial number</strong> of the device at hand.</p>
<div class="admonition warning"><p class="admonition-title">Warning</p>
<p>Do not switch the device off while it updates.</p></div>
<h2>Before you start</h2>
<ul><li>A laptop with an Ethernet port</li><li>The admin password</li>
<li>See also <a href="{prev}">the previous step</a>
and <a href="{next}#top">the next one</a>.</li></ul>
<p><img src="../images/shot-{image}.png" alt="Screenshot {image}"></p>
<h2>Steps</h2>
<ol><li>Open the web interface at <code>https://192.168.1.1</code>.</li>
<li>Go to <em>System</em> &rarr; <em>Maintenance</em>.</li><li>Upload the file and wait.</li></ol>
<pre><code class="language-bash">ssh admin@192.168.1.1
show version
show log last 50</code></pre>
<table><thead><tr><th>LED</th><th>Meaning</th></tr></thead>
<tbody><tr><td>Green</td><td>Running</td></tr><tr><td>Amber, blinking</td><td>Updating</td></tr>
<tr><td>Red</td><td>Fault: contact support</td></tr></tbody></table>
<p>Still stuck? <a href="https://support.example.com/contact">Contact support</a>.</p>
</main>
<footer>&copy; 2019 Example Networks</footer>
</body></html>
"""


def make_doc_set(root, *, pages: int, per_folder: int = 100, images: int = 20) -> Path:
    """A documentation export like an old help centre's: folders of HTML pages with site
    chrome, scripts, callouts, code, tables, shared screenshots and links between pages."""
    root = Path(root)
    (root / "images").mkdir(parents=True, exist_ok=True)
    for i in range(images):
        PILImage.new("RGB", (32, 24), (i * 12 % 256, 90, 160)).save(
            root / "images" / f"shot-{i}.png"
        )
    folders = max(1, -(-pages // per_folder))
    for f in range(folders):
        folder = root / f"topic-{f:03d}"
        folder.mkdir(exist_ok=True)
        count = min(per_folder, pages - f * per_folder)
        for n in range(count):
            (folder / f"page-{n:04d}.html").write_text(
                PAGE.format(
                    title=f"Topic {f} guide {n}",
                    summary=f"How to do task {n} of topic {f} on the R-series router.",
                    n=n % 10,
                    image=(f * per_folder + n) % images,
                    prev=f"page-{(n - 1) % count:04d}.html",
                    next=f"page-{(n + 1) % count:04d}.html",
                ),
                encoding="utf-8",
            )
    return root


def _queries_per_file(section, folder, pages: int) -> float:
    make_doc_set(folder, pages=pages, per_folder=10, images=3)
    importer = Importer(section=section, publish=True, stdout=io.StringIO())
    with CaptureQueriesContext(connection) as ctx:
        report = importer.run(folder)
    assert report.created == pages and not report.skipped, report.skipped
    return len(ctx.captured_queries) / pages


def test_queries_per_file_do_not_grow_with_the_import(world, tmp_path):
    small = add_page(world.root, SectionPage, title="Small")
    large = add_page(world.root, SectionPage, title="Large")
    per_file_small = _queries_per_file(small, tmp_path / "small", 10)
    per_file_large = _queries_per_file(large, tmp_path / "large", 40)
    # Fixed costs (sections, the image collection) spread over more files: never more.
    assert per_file_large <= per_file_small * 1.05, (per_file_small, per_file_large)
    assert ArticlePage.objects.descendant_of(large).count() == 40
