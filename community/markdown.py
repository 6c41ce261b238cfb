"""The only producer of post HTML: Markdown rendered once at write time, then sanitised with nh3.

nh3 (the Rust ammonia sanitiser), not bleach: bleach 6.4.0 is its final release with no further
security fixes. Raising RENDER_VERSION tells the re-render command that stored HTML is stale.

Images: only our own uploads (`/community/img/<id>/`, served through a view that applies the
audience rule) are shown as images; an image by any other URL becomes a plain link. We load no
third-party images (they track readers), and the CSP (`img-src 'self' data:`) stays strict.

@mentions: the caller resolves handles to people who may see the topic and passes them in;
those become links at write time, everything else stays text. Never inside code or links.
"""

import html
import re
import xml.etree.ElementTree as etree
from collections.abc import Mapping
from dataclasses import dataclass, field

import markdown
import nh3
from markdown.treeprocessors import Treeprocessor

RENDER_VERSION = 2  # 2: @mentions, external images as links

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
LOCAL_IMAGE_PREFIX = "/community/img/"
_LOCAL_IMAGE = re.compile(r"^/community/img/\d+/$")

# "@anna" or "@anna.virtanen", not the middle of an e-mail address or a word.
MENTION = re.compile(r"(?<![\w@.+-])@([a-z0-9](?:[a-z0-9._-]{0,38}[a-z0-9])?)", re.IGNORECASE)
_SKIP_MENTIONS_IN = frozenset({"a", "code", "pre"})


@dataclass(frozen=True)
class Rendered:
    html: str
    text: str
    mentions: frozenset[str] = field(default_factory=frozenset)  # the handles linked


def mention_candidates(source: str) -> set[str]:
    """Every @handle-looking word of the source, lower-cased (a superset of what renders as a
    mention: code and links are skipped when rendering)."""
    return {m.group(1).lower() for m in MENTION.finditer(source or "")}


def is_local_image(url: str) -> bool:
    return bool(_LOCAL_IMAGE.match(url or ""))


class _PostTree(Treeprocessor):
    def __init__(self, md, mentions: Mapping[str, str]):
        super().__init__(md)
        self.mentions = mentions
        self.linked: set[str] = set()

    def run(self, root):
        self._images(root, inside_link=False)
        if self.mentions:
            self._mentions(root)

    def _images(self, parent, *, inside_link: bool):
        for index, child in enumerate(list(parent)):
            if child.tag == "img" and not is_local_image(child.get("src", "")):
                label = child.get("alt") or child.get("src", "")
                if inside_link:
                    replacement = etree.Element("span")
                    replacement.text = label
                else:
                    replacement = etree.Element("a", {"href": child.get("src", "")})
                    replacement.text = label
                replacement.tail = child.tail
                parent.remove(child)
                parent.insert(index, replacement)
            else:
                self._images(child, inside_link=inside_link or child.tag == "a")

    def _split(self, text: str) -> list:
        """Text → [str | Element] with the known mentions as links."""
        parts, last = [], 0
        for match in MENTION.finditer(text):
            handle = match.group(1).lower()
            href = self.mentions.get(handle)
            if href is None:
                continue
            parts.append(text[last : match.start()])
            link = etree.Element("a", {"href": href})
            link.text = f"@{match.group(1)}"
            parts.append(link)
            self.linked.add(handle)
            last = match.end()
        if not parts:
            return [text]
        parts.append(text[last:])
        return parts

    def _mentions(self, element):
        if element.tag in _SKIP_MENTIONS_IN:
            return
        for child in list(element):
            self._mentions(child)
        # The element's own text, then each child's tail (which belongs to this element).
        if element.text:
            parts = self._split(element.text)
            if len(parts) > 1:
                element.text = parts[0]
                self._insert(element, 0, parts[1:])
        for child in list(element):
            if child.tail:
                parts = self._split(child.tail)
                if len(parts) > 1:
                    child.tail = parts[0]
                    self._insert(element, list(element).index(child) + 1, parts[1:])

    @staticmethod
    def _insert(parent, position: int, parts: list) -> None:
        # parts alternate: Element, str, Element, str, ... (starting after the leading text).
        for part in parts:
            if isinstance(part, str):
                if part:
                    previous = parent[position - 1]
                    previous.tail = (previous.tail or "") + part
            else:
                parent.insert(position, part)
                position += 1


def _keep_local_images(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src" and not is_local_image(value):
        return None
    return value


def render_markdown(source: str, *, mentions: Mapping[str, str] | None = None) -> Rendered:
    """Markdown → HTML → nh3 allow-list. `text` is the plain text (search, excerpts).
    `mentions` maps lower-cased handles to the URL a mention of them links to."""
    md = markdown.Markdown(extensions=EXTENSIONS, output_format="html")
    tree = _PostTree(md, mentions or {})
    md.treeprocessors.register(tree, "kumppani_post", 1)
    raw = md.convert(source)
    clean = nh3.clean(
        raw,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_keep_local_images,
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )
    text = html.unescape(nh3.clean(clean, tags=set(), attributes={}))
    return Rendered(html=clean, text=" ".join(text.split()), mentions=frozenset(tree.linked))
