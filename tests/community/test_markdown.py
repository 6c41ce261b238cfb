"""The renderer is the only producer of post HTML: hostile input must come out harmless, and
ordinary Markdown must survive."""

import re
from html.parser import HTMLParser

import pytest

from community.markdown import ALLOWED_TAGS, RENDER_VERSION, render_markdown

SCHEMES = ["javascript:alert(1)", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
           "vbscript:msgbox(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)",
           "jav&#x61;script:alert(1)", "jav&#97;script:alert(1)", "java\tscript:alert(1)",
           "&#106;avascript:alert(1)", "javascript&colon;alert(1)"]  # fmt: skip

# Every Markdown and HTML form a link or an image can take, with every scheme trick.
LINK_FORMS = [
    "[click]({u})",
    "[click](<{u}>)",
    '[click]({u} "title")',
    "![img]({u})",
    "[click][ref]\n\n[ref]: {u}",
    "![img][ref]\n\n[ref]: {u}",
    "<{u}>",
    '<a href="{u}">click</a>',
    "<a href='{u}'>click</a>",
    '<img src="{u}">',
    '<iframe src="{u}"></iframe>',
]

OTHER = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<img src=x onerror=alert(1)>",
    '<img src="https://ok.example/a.png" onerror="alert(1)">',
    "<IMG SRC=x ONERROR=alert(1)>",
    '<a href="https://ok.example" onclick="alert(1)">x</a>',
    '<a href="https://ok.example" onmouseover=alert(1)>x</a>',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
    "<iframe src=https://evil.example></iframe>",
    "<object data=javascript:alert(1)></object>",
    '<embed src="javascript:alert(1)">',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<div style="x:expression(alert(1))">x</div>',
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<form action="javascript:alert(1)"><button>x</button></form>',
    "<input onfocus=alert(1) autofocus>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel=stylesheet href="javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    "<a href=javascript:alert(1)>unquoted</a>",
    '<a href="  javascript:alert(1)">spaces</a>',
    "<b onmouseover=alert(1)>bold</b>",
    "<p><em><strong>broken <a href='javascript:alert(1)'>nesting</em></p></a>",
    "<<script>script>alert(1)<</script>/script>",
    "<!--<script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "`<script>alert(1)</script>`",
    "```\n<script>alert(1)</script>\n```",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<textarea><script>alert(1)</script></textarea>",
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    '<video><source onerror="alert(1)"></video>',
    '<img src="x" alt="x\\" onerror=alert(1)">',
    '[x](https://ok.example "a\\" onmouseover=\\"alert(1)")',
    '<a href="https://ok.example" target="_blank" rel="opener">x</a>',
]

CORPUS = [form.format(u=u) for form in LINK_FORMS for u in SCHEMES] + OTHER


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def _parse(html: str) -> list[tuple[str, dict]]:
    parser = _Collect()
    parser.feed(html)
    parser.close()
    return parser.tags


TAG = re.compile(r"<[^>]*>")
BAD_SCHEME = re.compile(r"^\s*(javascript|data|vbscript)\s*:", re.IGNORECASE)


def test_corpus_is_large():
    assert len(CORPUS) >= 60


@pytest.mark.parametrize("mentions", [None, {"anna": "/community/latest/?author=anna"}])
@pytest.mark.parametrize("source", CORPUS)
def test_hostile_input_comes_out_harmless(source, mentions):
    if mentions:
        source = f"@anna {source} @anna"
    html = render_markdown(source, mentions=mentions).html
    # Text is escaped by the sanitiser (`&lt;script&gt;` is harmless text), so the substring
    # checks look at the markup only: the tags, with their quoted values blanked.
    markup = " ".join(re.sub(r'"[^"]*"', '""', t) for t in TAG.findall(html)).lower()
    assert "<script" not in markup, html
    assert not re.search(r"\son\w+\s*=", markup), html
    assert not re.search(r"(javascript|data|vbscript):", markup), html
    for tag, attrs in _parse(html):
        assert tag in ALLOWED_TAGS, (tag, html)
        for name, value in attrs.items():
            assert not name.startswith("on"), (name, html)
            assert name not in ("style", "class", "srcdoc", "formaction"), (name, html)
            if name in ("href", "src"):
                # The parser decodes entities: encoded schemes are seen as a browser sees them.
                assert not BAD_SCHEME.match(value.replace("\t", "").replace("\n", "")), html
        if tag == "a":
            assert attrs.get("rel") == "nofollow ugc noopener", html


def test_escaped_code_is_text_not_markup():
    html = render_markdown("```\n<script>alert(1)</script>\n```").html
    assert "&lt;script&gt;" in html
    assert "<script" not in html


def test_links_get_rel_and_keep_safe_urls():
    html = render_markdown("[docs](https://example.com/a?b=1) and <mailto:help@example.com>").html
    tags = _parse(html)
    links = [attrs for tag, attrs in tags if tag == "a"]
    assert links[0]["href"] == "https://example.com/a?b=1"
    assert all(link["rel"] == "nofollow ugc noopener" for link in links)


def test_ordinary_markdown_survives():
    source = (
        "## Setup\n\n"
        "Some **bold**, *italic*, ~~gone~~ and `inline code`.\n\n"
        "```python\nprint('hi')\n```\n\n"
        "- one\n- two\n\n"
        "1. first\n2. second\n\n"
        "> quoted\n\n"
        "| Model | Ports |\n|---|---|\n| R100 | 4 |\n\n"
        "![diagram](https://cdn.example.com/d.png)\n\n"
        "---\n"
    )
    rendered = render_markdown(source)
    tags = {tag for tag, _ in _parse(rendered.html)}
    assert {"h2", "strong", "em", "code", "pre", "ul", "ol", "li", "blockquote"} <= tags
    assert {"table", "thead", "tbody", "tr", "th", "td", "hr"} <= tags
    # No third-party images (they track readers; the CSP allows only our own): a link instead.
    assert not [attrs for tag, attrs in _parse(rendered.html) if tag == "img"]
    links = [attrs for tag, attrs in _parse(rendered.html) if tag == "a"]
    assert links[0]["href"] == "https://cdn.example.com/d.png"
    assert "print('hi')" in rendered.text
    assert "quoted" in rendered.text and "<" not in rendered.text


def test_text_is_plain_and_unescaped():
    rendered = render_markdown("Tom & Jerry <b>bold</b> `a < b`")
    assert rendered.text == "Tom & Jerry bold a < b"


def test_render_version_is_set():
    assert RENDER_VERSION >= 1


def test_only_our_own_uploads_render_as_images():
    html = render_markdown(
        "![mine](/community/img/12/) ![theirs](https://tracker.example/p.gif) "
        '<img src="https://tracker.example/q.gif"> [![x](https://e.example/a.png)](https://l.example)'
    ).html
    images = [attrs for tag, attrs in _parse(html) if tag == "img"]
    assert {"src": "/community/img/12/", "alt": "mine"} in images
    assert all(a.get("src", "").startswith("/community/img/") for a in images if "src" in a)
    assert "tracker.example/p.gif" in html  # as a link
    assert "<a" in html and html.count("<a ") == 2  # no link nested in a link


def test_mentions_link_only_known_handles_outside_code_and_links():
    source = (
        "Hi @Anna and @nobody, see anna@aurora.example, `@anna` and [@anna](https://x.example)"
        "\n\n```\n@anna\n```\n\n> @anna said"
    )
    rendered = render_markdown(source, mentions={"anna": "/community/latest/?author=anna"})
    links = [attrs["href"] for tag, attrs in _parse(rendered.html) if tag == "a"]
    assert links.count("/community/latest/?author=anna") == 2  # the text and the quote
    assert rendered.mentions == {"anna"}
    assert "@nobody" in rendered.html and "anna@aurora.example" in rendered.html
    assert render_markdown(source).mentions == frozenset()
