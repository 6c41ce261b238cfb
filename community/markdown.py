"""The only producer of post HTML: Markdown rendered once at write time, then sanitised with nh3.

nh3 (the Rust ammonia sanitiser), not bleach: bleach 6.4.0 is its final release with no further
security fixes. Raising RENDER_VERSION tells the re-render command that stored HTML is stale.
"""

import html
from dataclasses import dataclass

import markdown
import nh3

RENDER_VERSION = 1

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a",
        "h2", "h3", "h4", "table", "thead", "tbody", "tr", "th", "td", "img", "hr", "del",
    }
)  # fmt: skip
# No style, no class, no event handlers: only what each tag needs.
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"
EXTENSIONS = ["fenced_code", "tables", "sane_lists", "nl2br"]


@dataclass(frozen=True)
class Rendered:
    html: str
    text: str


def render_markdown(source: str) -> Rendered:
    """Markdown → HTML → nh3 allow-list. `text` is the plain text (search, excerpts)."""
    raw = markdown.markdown(source, extensions=EXTENSIONS, output_format="html")
    clean = nh3.clean(
        raw,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )
    text = html.unescape(nh3.clean(clean, tags=set(), attributes={}))
    return Rendered(html=clean, text=" ".join(text.split()))
