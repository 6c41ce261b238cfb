"""Import an old help centre: a folder tree of Markdown or HTML files becomes sections and
articles under an existing section (`manage.py import_articles`).

Shape of the work:
1. `scan` walks the folder once: documents (.md, .markdown, .html, .htm), image assets, and
   everything else (reported as unsupported). Each document gets a key, its slug path under the
   section ("guides/wifi-setup"); the key is how a second run finds the page it made the first
   time (no model of our own: the key is the page's url_path below the section).
2. `convert` turns one document into a title, a summary and StreamField blocks: headings,
   code, tables, images and callouts where they map cleanly, everything else as rich text
   sanitised by nh3 with an allow-list Wagtail's default rich-text features can edit. Scripts,
   styles, iframes, forms and event handlers never get through; links to other imported files
   become Wagtail page links, images that are files inside the folder become Wagtail images.
3. `Importer.run` writes each file in a savepoint of its own (a bad file is rolled back and
   reported, not fatal), committed in batches of 50, with every lookup prepared up front
   (existing pages by key, images by hash), so the cost per file does not grow with the size
   of the import. Links to pages made later in the run are set in a second pass, when every
   page has an id.
4. Followers are told once: while the run publishes, the per-page notices are held
   (`subscriber_notices_held`); at the end one summary row goes out for the whole import
   (`import_announce`: "N articles added and M updated in <section>").
"""

from __future__ import annotations

import codecs
import html as html_lib
import json
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import markdown
import nh3
from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from django.conf import settings
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.log_actions import log
from wagtail.models import Collection, Page, ReferenceIndex
from wagtail.utils.file import hash_filelike

from hub.progress import ProgressBar

DOCUMENT_TYPES = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}
IMAGE_TYPES = {".png", ".jpg", ".jpeg", ".gif", ".webp"}  # no SVG: it can carry script
INDEX_STEMS = {"index", "readme", "_index"}
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
SUMMARY_LENGTH = 300

# Rich text as Wagtail stores it and its default editor features can edit it (bold, italic,
# h2-h4, lists, links, hr); headings become heading blocks before this is applied.
RICH_TAGS = {"p", "br", "b", "i", "ul", "ol", "li", "a", "hr", "h2", "h3", "h4"}
RICH_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
# Our own marker for a link to an imported page, set only by `_rewrite_links` (every href of the
# source is rewritten or dropped there, so a file cannot smuggle one in) and turned into
# Wagtail's `<a linktype="page" id="…">` after sanitising.
PAGE_LINK_SCHEME = "kumppani-import-page"
_PAGE_LINK_RE = re.compile(rf'<a href="{PAGE_LINK_SCHEME}:(\d+)">')
# A link to a file of this run whose page has no id yet: resolved (or unlinked) by
# `resolve_pending` once every page exists.
PENDING_SCHEME = "kumppani-import-pending"
_PENDING_RE = re.compile(rf'<a href="{PENDING_SCHEME}:(\d+)">(.*?)</a>', re.S)

# Dropped with everything inside them.
DROP_TAGS = [
    "script", "style", "iframe", "frame", "frameset", "noscript", "template", "object",
    "embed", "applet", "form", "input", "button", "select", "textarea", "link", "meta", "base",
    "svg", "math", "canvas", "audio", "video", "head", "title",
]  # fmt: skip
# Site chrome of an exported help centre, dropped when the page has no <main>/<article>.
CHROME_TAGS = ["nav", "header", "footer"]
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# Containers walked through (their children become blocks).
TRANSPARENT = {"div", "section", "article", "main", "body", "html", "center", "aside"}
CALLOUT_CLASSES = {
    "note": "note", "info": "note", "important": "note", "admonition": "note",
    "seealso": "note", "warning": "warning", "caution": "warning", "danger": "warning",
    "error": "warning", "attention": "warning", "tip": "tip", "hint": "tip",
}  # fmt: skip
CODE_LANGUAGES = {
    "bash": "shell", "sh": "shell", "shell": "shell", "console": "shell", "zsh": "shell",
    "shell-session": "shell", "powershell": "shell", "python": "python", "py": "python",
    "json": "json", "yaml": "yaml", "yml": "yaml", "xml": "xml", "html": "xml", "ini": "ini",
    "conf": "ini", "cfg": "ini", "toml": "ini", "properties": "ini",
}  # fmt: skip
_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_FRONT_MATTER_RE = re.compile(r"\A---\s*\n(.*?)\n(?:---|\.\.\.)\s*(?:\n|\Z)", re.S)


# --- What the run found ------------------------------------------------------------------------


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    sections_created: int = 0
    images_imported: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[Skipped] = field(default_factory=list)
    seconds: float = 0.0
    announced: bool = False  # followers get one summary of what was published

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged

    @property
    def pages_per_second(self) -> float:
        return self.imported / self.seconds if self.seconds else 0.0

    def skipped_by_reason(self) -> Counter:
        return Counter(s.reason.split(":")[0] for s in self.skipped)


class FileSkipped(Exception):
    """This file is not imported; the message says why (it goes into the report)."""


# --- Scanning the folder -----------------------------------------------------------------------


@dataclass(frozen=True)
class SourceFile:
    path: Path
    rel: PurePosixPath  # relative to the import root, as written in links
    kind: str  # "markdown" | "html"
    key: str  # slug path under the section: "guides/wifi-setup"

    @property
    def folder_key(self) -> str:
        return self.key.rpartition("/")[0]


@dataclass
class Scan:
    root: Path
    documents: list[SourceFile] = field(default_factory=list)
    folders: dict[str, PurePosixPath] = field(default_factory=dict)  # key → relative folder
    skipped: list[Skipped] = field(default_factory=list)
    by_rel: dict[str, SourceFile] = field(default_factory=dict)
    folder_by_rel: dict[str, str] = field(default_factory=dict)  # relative folder → key
    index_of: dict[str, SourceFile] = field(default_factory=dict)  # folder key → index file


def slug_for(name: str) -> str:
    return slugify(name, allow_unicode=True)[:200].strip("-") or "page"


def scan(root: Path) -> Scan:
    """Every file below `root` (hidden files and folders left out), classified, in a stable
    order. Two files or folders that would get the same address: the later one is skipped."""
    result = Scan(root=root)
    taken: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        rel = PurePosixPath(path.relative_to(root).as_posix())
        if any(part.startswith(".") for part in rel.parts):
            continue
        if path.is_dir():
            key = "/".join(slug_for(p) for p in rel.parts)
            if key in taken:
                result.skipped.append(Skipped(f"{rel}/", f"same address as {taken[key]}"))
                continue
            taken[key] = f"{rel}/"
            result.folders[key] = rel
            result.folder_by_rel[str(rel)] = key
            continue
        suffix = path.suffix.lower()
        if suffix in IMAGE_TYPES:
            continue  # an asset: imported when a document shows it
        kind = DOCUMENT_TYPES.get(suffix)
        if kind is None:
            result.skipped.append(
                Skipped(str(rel), f"unsupported type ({suffix or 'no extension'})")
            )
            continue
        parent_key = result.folder_by_rel.get(str(rel.parent), "")
        if str(rel.parent) != "." and str(rel.parent) not in result.folder_by_rel:
            result.skipped.append(Skipped(str(rel), "its folder was skipped"))
            continue
        key = f"{parent_key}/{slug_for(path.stem)}".lstrip("/")
        if key in taken:
            result.skipped.append(Skipped(str(rel), f"same address as {taken[key]}"))
            continue
        taken[key] = str(rel)
        source = SourceFile(path=path, rel=rel, kind=kind, key=key)
        result.documents.append(source)
        result.by_rel[str(rel)] = source
        if path.stem.lower() in INDEX_STEMS and parent_key not in result.index_of:
            result.index_of[parent_key] = source
    return result


# --- Reading one file --------------------------------------------------------------------------


def read_text(path: Path, kind: str, *, max_bytes: int) -> str:
    """The file as text: UTF-8, or the charset an HTML file declares. Anything else is refused
    rather than guessed (a wrong guess silently garbles every accented letter)."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise FileSkipped(
                f"too large ({size / 1_048_576:.1f} MB, limit {max_bytes / 1_048_576:.1f} MB)"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise FileSkipped(f"unreadable file: {exc.strerror or exc}") from exc
    if b"\x00" in data[:8192]:
        raise FileSkipped("unreadable encoding: binary content")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    match = _CHARSET_RE.search(data[:4096]) if kind == "html" else None
    if match:
        name = match.group(1).decode("ascii", "replace")
        try:
            return data.decode(codecs.lookup(name).name)
        except (LookupError, UnicodeDecodeError):
            raise FileSkipped(f"unreadable encoding: not valid {name}") from None
    raise FileSkipped("unreadable encoding: not UTF-8 and no charset declared")


# --- Converting one document -------------------------------------------------------------------


@dataclass
class Converted:
    title: str
    summary: str
    blocks: list[dict]
    warnings: list[str] = field(default_factory=list)
    pending: bool = False  # links to files of this run whose pages have no id yet


# resolve_link(rel_target) -> the href to write (a page link or a pending link), or None when
# the target is not an imported file
LinkResolver = Callable[[str], str | None]
# resolve_image(rel_target) -> (image id | None, why not)
ImageResolver = Callable[[str], tuple[int | None, str]]


def _front_matter(source: str) -> tuple[dict[str, str], str]:
    match = _FRONT_MATTER_RE.match(source)
    if not match:
        return {}, source
    meta = {}
    for line in match.group(1).splitlines():
        name, sep, value = line.partition(":")
        if sep and name.strip() and not name.startswith((" ", "\t")):
            meta[name.strip().lower()] = value.strip().strip("\"'")
    return meta, source[match.end() :]


_BREAKS = {"br", "p", "li", "div", "td", "th", "tr", "dt", "dd", *("h1", "h2", "h3", "h4")}


def _text(node) -> str:
    """The text of an element as one line: words joined as written, blocks and line breaks
    as spaces."""
    parts: list[str] = []
    for item in node.descendants:
        if isinstance(item, Comment):
            continue
        if isinstance(item, NavigableString):
            parts.append(str(item))
        elif isinstance(item, Tag) and item.name in _BREAKS:
            parts.append(" ")
    return " ".join("".join(parts).split())


def _humanise(stem: str) -> str:
    words = re.sub(r"[-_]+", " ", stem).strip()
    return (words[:1].upper() + words[1:]) or stem


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


def _classes(tag: Tag) -> list[str]:
    value = tag.get("class") or []
    return [c.lower() for c in (value.split() if isinstance(value, str) else value)]


def _callout_kind(tag: Tag) -> str | None:
    """note, warning or tip for an admonition-like element (Sphinx, MkDocs, Bootstrap…)."""
    if tag.name not in ("div", "aside", "section", "p", "blockquote"):
        return None
    kinds = set()
    for cls in _classes(tag):
        for name in (cls, cls.removeprefix("alert-"), cls.removeprefix("callout-")):
            if name in CALLOUT_CLASSES:
                kinds.add(CALLOUT_CLASSES[name])
    return next((k for k in ("warning", "tip", "note") if k in kinds), None)


def _code_language(pre: Tag) -> str:
    code = pre.find("code")
    for node in (pre, code) if code else (pre,):
        for cls in _classes(node):
            name = re.sub(r"^(language-|lang-|highlight-|source-)", "", cls)
            if name in CODE_LANGUAGES:
                return CODE_LANGUAGES[name]
    return "text"


def sanitise_rich_text(html: str) -> str:
    """Rich text in Wagtail's stored form: nh3 with the allow-list, `<strong>`/`<em>` as
    `<b>`/`<i>`, import page links as Wagtail page links, empty paragraphs gone."""
    clean = nh3.clean(
        html,
        tags=RICH_TAGS,
        attributes=RICH_ATTRIBUTES,
        url_schemes=URL_SCHEMES | {PAGE_LINK_SCHEME, PENDING_SCHEME},
        link_rel=None,
        strip_comments=True,
        clean_content_tags={"script", "style"},
    )
    clean = _PAGE_LINK_RE.sub(r'<a linktype="page" id="\1">', clean)
    clean = re.sub(r"<p>\s*(?:<br>\s*)*</p>", "", clean)
    return clean.strip()


def _has_text(html: str) -> bool:
    return bool(nh3.clean(html, tags=set(), attributes={}).strip()) or "<hr>" in html


class _BlockWriter:
    """Walks the cleaned tree and writes blocks in reading order. Inline content and rich
    elements (paragraphs, lists, quotes) gather into one rich-text block until a heading,
    code, table, image or callout comes."""

    RICH = {"p", "ul", "ol", "dl", "blockquote", "hr", "address", "details", "figure"}
    SPECIAL = ("img", "table", "pre", *HEADINGS)

    def __init__(self, resolve_image: ImageResolver, warnings: list[str]):
        self.blocks: list[dict] = []
        self.resolve_image = resolve_image
        self.warnings = warnings
        self._rich: list[str] = []  # finished rich elements
        self._inline: list[str] = []  # loose inline content, wrapped in <p> on flush

    def _end_inline(self) -> None:
        if self._inline:
            self._rich.append("<p>" + "".join(self._inline) + "</p>")
            self._inline = []

    def flush(self) -> None:
        self._end_inline()
        if self._rich:
            html = sanitise_rich_text("".join(self._rich))
            self._rich = []
            if html and _has_text(html):
                self.blocks.append({"type": "paragraph", "value": html})

    def walk(self, node: Tag) -> None:
        for child in list(node.children):
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                if str(child).strip() or self._inline:
                    self._inline.append(html_lib.escape(str(child), quote=False))
                continue
            if not isinstance(child, Tag):
                continue
            self.element(child)

    def element(self, tag: Tag) -> None:
        name = tag.name
        kind = _callout_kind(tag)
        if kind:
            self.flush()
            for title in tag.find_all(class_=re.compile(r"(admonition|callout)-?title", re.I)):
                title.decompose()
            inner = _BlockWriter(self.resolve_image, self.warnings)
            inner.walk(tag)
            inner.flush()
            text = "".join(b["value"] for b in inner.blocks if b["type"] == "paragraph")
            if text:
                self.blocks.append({"type": "callout", "value": {"kind": kind, "text": text}})
            self.blocks.extend(b for b in inner.blocks if b["type"] != "paragraph")
            return
        if name in HEADINGS:
            text = _text(tag)
            if text:
                self.flush()
                self.blocks.append({"type": "heading", "value": text[:255]})
            return
        if name == "pre":
            code = tag.get_text().strip("\n")
            if code.strip():
                self.flush()
                self.blocks.append(
                    {"type": "code", "value": {"language": _code_language(tag), "code": code}}
                )
            return
        if name == "table":
            self.flush()
            self._table(tag)
            return
        if name == "img":
            self.flush()
            self._image(tag, caption="")
            return
        if name == "figure" and tag.find("img"):
            self.flush()
            caption = tag.find("figcaption")
            caption_text = _text(caption) if caption else ""
            for img in tag.find_all("img"):
                self._image(img, caption=caption_text)
            return
        if name in TRANSPARENT:
            self.walk(tag)
            return
        if name == "dl":
            for term in tag.find_all("dt"):
                term.name = "p"
                bold = BeautifulSoup("", "html.parser").new_tag("b")
                bold.extend(list(term.contents))
                term.append(bold)
            for definition in tag.find_all("dd"):
                definition.name = "p"
        if name in self.RICH:
            self._end_inline()
            later = self._extract_special(tag)
            self._rich.append(str(tag))
            for special in later:
                self.element(special)
            return
        if name in ("br",) and not self._inline:
            return
        # Inline (a, b, em, code, span…) or unknown: part of the current paragraph.
        later = self._extract_special(tag)
        self._inline.append(str(tag))
        for special in later:
            self.flush()
            self.element(special)

    def _extract_special(self, tag: Tag) -> list[Tag]:
        """Images, tables, code and headings inside a paragraph or list cannot live in rich
        text: they are lifted out and written after it."""
        found = tag.find_all(self.SPECIAL)
        # Keep the outermost only (a table inside a table is part of it).
        ids = {id(t) for t in found}
        outer = [t for t in found if not any(id(p) in ids for p in t.parents)]
        for t in outer:
            t.extract()
        return outer

    def _image(self, img: Tag, *, caption: str) -> None:
        src = (img.get("src") or "").strip()
        image_id, why = self.resolve_image(src)
        if image_id is None:
            self.warnings.append(f"image {src[:120] or '(no src)'!r} not imported: {why}")
            return
        alt = " ".join((img.get("alt") or img.get("title") or "").split())
        if not alt:
            alt = _humanise(PurePosixPath(urlsplit(src).path).stem)
        self.blocks.append(
            {
                "type": "image",
                "value": {"image": image_id, "alt_text": alt[:250], "caption": caption[:250]},
            }
        )

    def _table(self, table: Tag) -> None:
        rows: list[list[str]] = []
        header_row = False
        caption = table.find("caption")
        for tr in table.find_all("tr"):
            if tr.find_parent("table") is not table:
                continue  # a nested table's row: its text is in the outer cell
            cells = []
            for cell in tr.find_all(["td", "th"], recursive=False):
                cells.append(_text(cell))
                try:
                    span = min(int(cell.get("colspan", 1)), 20)
                except (TypeError, ValueError):
                    span = 1
                cells.extend([""] * (span - 1))
            if not rows:
                header_row = tr.find_parent("thead") is not None or (
                    bool(cells)
                    and all(c.name == "th" for c in tr.find_all(["td", "th"], recursive=False))
                )
            if cells:
                rows.append(cells)
        if not rows or not any(any(row) for row in rows):
            return
        width = max(len(row) for row in rows)
        rows = [row + [""] * (width - len(row)) for row in rows]
        self.blocks.append(
            {
                "type": "table",
                "value": {
                    "data": rows,
                    "first_row_is_table_header": header_row and len(rows) > 1,
                    "first_col_is_header": False,
                    "table_caption": _text(caption) if caption else "",
                },
            }
        )


def _rewrite_links(content: Tag, resolve_link: LinkResolver, warnings: list[str]) -> bool:
    """Every link of the source gets a href we chose or none: web and mail links stay,
    links to imported files become page links, anything else (javascript:, data:, files that
    were not imported, anchors) keeps its text and loses the link. True when some target has
    no page id yet."""
    deferred = False
    for a in content.find_all("a"):
        href = (a.get("href") or "").strip()
        a.attrs = {}
        if not href or href.startswith("#"):
            a.unwrap()
            continue
        parts = urlsplit(href)
        scheme = parts.scheme.lower()
        if scheme in URL_SCHEMES and (scheme == "mailto" or parts.netloc):
            a["href"] = href
            continue
        if scheme or parts.netloc:
            a.unwrap()  # javascript:, data:, file:, //host …
            continue
        target = resolve_link(unquote(parts.path))
        if target is None:
            warnings.append(f"link {href[:120]!r} does not lead to an imported file")
            a.unwrap()
        else:
            a["href"] = target
            deferred = deferred or target.startswith(PENDING_SCHEME)
    return deferred


def convert(
    source: str,
    kind: str,
    *,
    filename: str,
    resolve_link: LinkResolver,
    resolve_image: ImageResolver,
) -> Converted:
    """One document as a title, a summary and StreamField blocks (raw JSON form)."""
    meta: dict[str, str] = {}
    if kind == "markdown":
        meta, source = _front_matter(source)
        source = markdown.markdown(
            source, extensions=["fenced_code", "tables", "sane_lists"], output_format="html"
        )
    soup = BeautifulSoup(source, "html.parser")
    warnings: list[str] = []

    head_title = soup.title.get_text(" ", strip=True) if soup.title else ""
    description = ""
    described = soup.find("meta", attrs={"name": re.compile(r"^description$", re.I)})
    if described:
        description = " ".join(str(described.get("content", "")).split())

    for tag in soup.find_all(DROP_TAGS):
        tag.decompose()
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    content = soup.find("main") or soup.find("article") or soup.body or soup
    if content is not soup.find("main") and content is not soup.find("article"):
        for tag in content.find_all(CHROME_TAGS):
            tag.decompose()

    # Title: front matter, then the first <h1>, then <title>, then any first heading; the
    # heading used as the title is not repeated in the body.
    title = meta.get("title", "")
    if not title:
        first = content.find("h1") or (None if head_title else content.find(HEADINGS))
        if first is not None and _text(first):
            title = _text(first)
            first.decompose()
        elif head_title:
            title = head_title
            h1 = content.find("h1")
            if h1 is not None and _text(h1) == title:
                h1.decompose()
    title = " ".join(title.split())[:255] or _humanise(Path(filename).stem)[:255]

    for tag in content.find_all(["strong", "em"]):
        tag.name = "b" if tag.name == "strong" else "i"
    deferred = _rewrite_links(content, resolve_link, warnings)
    writer = _BlockWriter(resolve_image, warnings)
    writer.walk(content)
    writer.flush()

    summary = meta.get("summary") or meta.get("description") or description
    if not summary:
        first_text = next((b["value"] for b in writer.blocks if b["type"] == "paragraph"), "")
        summary = _text(BeautifulSoup(first_text, "html.parser"))
    return Converted(
        title=title,
        summary=_shorten(summary, SUMMARY_LENGTH),
        blocks=writer.blocks,
        warnings=warnings,
        pending=deferred,
    )


def _rich_values(blocks: list[dict]):
    for block in blocks:
        if block["type"] == "paragraph":
            yield block["value"]
        elif block["type"] == "callout":
            yield block["value"]["text"]


def _pending_numbers(blocks: list[dict]) -> set[int]:
    return {int(m.group(1)) for html in _rich_values(blocks) for m in _PENDING_RE.finditer(html)}


def resolve_pending(blocks: list[dict], page_id_of: Callable[[int], int | None]) -> list[dict]:
    """The blocks with every pending link made a page link (when `page_id_of` knows the
    target) or plain text."""

    def rich(html: str) -> str:
        def one(match: re.Match) -> str:
            page_id = page_id_of(int(match.group(1)))
            if page_id is None:
                return match.group(2)
            return f'<a linktype="page" id="{page_id}">{match.group(2)}</a>'

        return _PENDING_RE.sub(one, html)

    out = []
    for block in blocks:
        if block["type"] == "paragraph":
            block = {**block, "value": rich(block["value"])}
        elif block["type"] == "callout":
            block = {**block, "value": {**block["value"], "text": rich(block["value"]["text"])}}
        out.append(block)
    return out


# --- Writing pages -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AudienceChoice:
    products: tuple = ()
    regions: tuple = ()
    roles: tuple = ()

    def ids(self) -> tuple[frozenset[int], frozenset[int], frozenset[int]]:
        return tuple(
            frozenset(t.pk for t in terms) for terms in (self.products, self.regions, self.roles)
        )


def _comparable(blocks) -> str:
    return json.dumps([(b["type"], b["value"]) for b in blocks], sort_keys=True, default=str)


class Importer:
    """One import run into `section`. One instance per run.

    New pages are stored as Wagtail stores a page made by code: one save, live with --publish
    or a draft without, no revision (an editor's first edit makes one; the log says the import
    created it). A page that exists already gets a revision, published with --publish, so its
    history shows what the import changed; unchanged files write nothing."""

    def __init__(
        self,
        *,
        section,
        audience: AudienceChoice | None = None,
        publish: bool = False,
        language: str = "en",
        user=None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        batch_size: int = 50,
        stdout=None,
    ):
        self.section = section
        self.language = language
        self.batch_size = max(1, batch_size)
        self.audience = audience or AudienceChoice()
        self.publish = publish
        self.user = user
        self.max_bytes = max_bytes
        self.stdout = stdout
        self.report = ImportReport()
        self._ids: dict[str, int] = {}  # key → page id (pages below the section)
        self._kinds: dict[str, str] = {}  # key → model name of the page
        self._parents: dict[str, Page] = {}  # folder key → its page, with a fresh numchild
        self._synced: set[str] = set()  # sections created or brought up to date in this run
        self._pending_keys: list[str] = []  # number in a pending link → key
        self._pending_number: dict[str, int] = {}
        self._images_by_hash: dict[str, int] | None = None
        self._images_by_path: dict[str, int] = {}
        self._collection: Collection | None = None
        self._scan: Scan | None = None

    # -- set-up ----------------------------------------------------------------------------

    def _load_existing(self) -> None:
        """Every page below the section by key, in one query."""
        base = self.section.url_path
        rows = (
            Page.objects.descendant_of(self.section)
            .values_list("pk", "url_path", "content_type__model")
            .iterator()
        )
        for page_id, url_path, model in rows:
            key = url_path[len(base) :].strip("/")
            self._ids[key], self._kinds[key] = page_id, model

    def _images(self) -> dict[str, int]:
        """Images already in the library by file hash (one query, on first need), so an image
        used by many files, or imported by an earlier run, is stored once."""
        if self._images_by_hash is None:
            self._images_by_hash = dict(
                get_image_model().objects.exclude(file_hash="").values_list("file_hash", "pk")
            )
        return self._images_by_hash

    def _image_collection(self) -> Collection:
        if self._collection is None:
            name = f"Imported: {self.section.title}"[:255]
            root = Collection.get_first_root_node()
            self._collection = root.get_children().filter(name=name).first() or root.add_child(
                instance=Collection(name=name)
            )
        return self._collection

    # -- resolving references --------------------------------------------------------------

    @staticmethod
    def _target(base: PurePosixPath, target: str) -> str | None:
        """The normalised path of a relative reference, or None when it leaves the folder."""
        if not target:
            return None
        joined = PurePosixPath(target.lstrip("/")) if target.startswith("/") else base / target
        parts: list[str] = []
        for part in joined.parts:
            if part in ("", "."):
                continue
            if part == "..":
                if not parts:
                    return None
                parts.pop()
            else:
                parts.append(part)
        return "/".join(parts)

    def _link_resolver(self, source: SourceFile) -> LinkResolver:
        def resolve(target: str) -> str | None:
            rel = self._target(source.rel.parent, target)
            if rel is None:
                return None
            if rel == "":
                return f"{PAGE_LINK_SCHEME}:{self.section.pk}"
            doc = self._scan.by_rel.get(rel)
            key = doc.key if doc is not None else self._scan.folder_by_rel.get(rel)
            if key is None:
                return None
            if key in self._ids:
                return f"{PAGE_LINK_SCHEME}:{self._ids[key]}"
            if key not in self._pending_number:
                self._pending_number[key] = len(self._pending_keys)
                self._pending_keys.append(key)
            return f"{PENDING_SCHEME}:{self._pending_number[key]}"

        return resolve

    def _page_id_of_pending(self, number: int) -> int | None:
        return self._ids.get(self._pending_keys[number])

    def _image_resolver(self, source: SourceFile, created: list[tuple[str, int]]) -> ImageResolver:
        def resolve(src: str) -> tuple[int | None, str]:
            if not src:
                return None, "no source"
            parts = urlsplit(src)
            if parts.scheme or parts.netloc:
                return None, "not a file in the import folder"
            rel = self._target(source.rel.parent, unquote(parts.path))
            if rel is None:
                return None, "outside the import folder"
            if rel in self._images_by_path:
                return self._images_by_path[rel], ""
            path = self._scan.root / rel
            if path.suffix.lower() not in IMAGE_TYPES:
                return None, f"unsupported image type ({path.suffix.lower() or 'none'})"
            if not path.is_file():
                return None, "file not found"
            if path.stat().st_size > settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE:
                return None, "too large"
            with path.open("rb") as f:
                digest = hash_filelike(f)
                image_id = self._images().get(digest)
                if image_id is None:
                    try:
                        with PILImage.open(f) as probe:
                            probe.verify()
                    except Exception:  # Pillow raises many kinds of error for a broken file
                        return None, "not a readable image"
                    f.seek(0)
                    image_id = self._create_image(f, path)
                    self._images()[digest] = image_id
                    created.append((digest, image_id))
            self._images_by_path[rel] = image_id
            return image_id, ""

        return resolve

    def _create_image(self, f, path: Path) -> int:
        image = get_image_model()(
            title=_humanise(path.stem)[:255], collection=self._image_collection()
        )
        image.file = ImageFile(f, name=path.name)
        image._set_image_file_metadata()
        image.save()
        if hasattr(image, "audience_products"):  # an image model with an audience
            for dim in ("products", "regions", "roles"):
                getattr(image, f"audience_{dim}").set(getattr(self.audience, dim))
        self.report.images_imported += 1
        return image.pk

    # -- writing pages ---------------------------------------------------------------------

    def _set_audience(self, page) -> None:
        page.audience_products = list(self.audience.products)
        page.audience_regions = list(self.audience.regions)
        page.audience_roles = list(self.audience.roles)

    @staticmethod
    def _own_ids(page):
        return tuple(
            frozenset(t.pk for t in getattr(page, f"audience_{dim}").all())
            for dim in ("products", "regions", "roles")
        )

    def _add(self, parent, page, key: str) -> None:
        """A new page under `parent`, in one save."""
        now = timezone.now()
        page.live = self.publish
        page.has_unpublished_changes = not self.publish
        if self.publish:
            page.first_published_at = page.last_published_at = now
        self._set_audience(page)
        parent.add_child(instance=page)
        log(instance=page, action="wagtail.create", user=self.user)
        self._ids[key], self._kinds[key] = page.pk, page._meta.model_name

    def _revise(self, page, *, latest=None) -> None:
        """Store the changed `page` (the latest revision as an object) as a revision, and
        publish it with --publish."""
        revision = (latest or page).save_revision(user=self.user, log_action=True)
        if self.publish:
            revision.publish(user=self.user)

    # -- sections --------------------------------------------------------------------------

    def _parent(self, folder_key: str) -> Page:
        """The page a file or folder goes under, creating or updating sub-sections once per
        run. Cached: a parent's in-memory numchild is what treebeard uses to add a child."""
        if folder_key in self._parents:
            return self._parents[folder_key]
        if folder_key == "":
            page = Page.objects.get(pk=self.section.pk).specific
        elif folder_key in self._synced:
            page = Page.objects.get(pk=self._ids[folder_key]).specific
        else:
            page = self._ensure_section(folder_key)
            self._synced.add(folder_key)
        self._parents[folder_key] = page
        return page

    def _ensure_section(self, key: str) -> Page:
        from knowledge.models import SectionPage

        parent = self._parent(key.rpartition("/")[0])
        title = self._section_title(key)
        if key not in self._ids:
            page = SectionPage(title=title, slug=key.rpartition("/")[2])
            with transaction.atomic():
                self._add(parent, page, key)
            self.report.sections_created += 1
            return page
        if self._kinds[key] != "sectionpage":
            raise FileSkipped(f"a page that is not a section has the address {key}/")
        page = SectionPage.objects.get(pk=self._ids[key])
        latest = page.get_latest_revision_as_object() if page.latest_revision_id else page
        changed = latest.title != title or self._own_ids(latest) != self.audience.ids()
        if changed or (self.publish and not page.live):
            latest.title = title
            self._set_audience(latest)
            with transaction.atomic():
                self._revise(latest)
            page = SectionPage.objects.get(pk=page.pk)
        return page

    def _section_title(self, key: str) -> str:
        """The title of the folder's index file (index.html, README.md) when it has a real
        one, else the folder's name."""
        index = self._scan.index_of.get(key)
        if index is not None:
            try:
                text = read_text(index.path, index.kind, max_bytes=self.max_bytes)
            except FileSkipped:
                text = ""
            if text:
                title = convert(
                    text,
                    index.kind,
                    filename=index.path.name,
                    resolve_link=lambda _target: None,
                    resolve_image=lambda _src: (None, ""),
                ).title
                if slug_for(title) != slug_for(index.path.stem):
                    return title
        return _humanise(self._scan.folders[key].name)[:255]

    # -- one file --------------------------------------------------------------------------

    def _convert(self, source: SourceFile, created_images) -> Converted:
        text = read_text(source.path, source.kind, max_bytes=self.max_bytes)
        converted = convert(
            text,
            source.kind,
            filename=source.path.name,
            resolve_link=self._link_resolver(source),
            resolve_image=self._image_resolver(source, created_images),
        )
        if not converted.blocks:
            raise FileSkipped("empty: no content left after cleaning")
        return converted

    def _import_file(self, source: SourceFile) -> tuple[str, Converted | None]:
        """Import one file in its own transaction. Returns what happened: "created",
        "updated", "unchanged", "relink" (created; its links to pages made later in the run
        are set in pass 2), "postponed" (an existing page whose update waits for pass 2, so
        that it gets one revision), or "skipped" (reported; nothing of it is left)."""
        from knowledge.models import ArticlePage

        created_images: list[tuple[str, int]] = []
        try:
            parent = self._parent(source.folder_key)
            with transaction.atomic():
                converted = self._convert(source, created_images)
                if source.key in self._ids:
                    if self._kinds[source.key] != "articlepage":
                        raise FileSkipped(
                            f"a page that is not an article has the address {source.key}"
                        )
                    if converted.pending:
                        return "postponed", converted
                    outcome = self._update(
                        ArticlePage.objects.get(pk=self._ids[source.key]),
                        converted.blocks,
                        converted,
                    )
                else:
                    blocks = converted.blocks
                    if converted.pending:
                        blocks = resolve_pending(blocks, lambda _n: None)
                    page = ArticlePage(
                        title=converted.title,
                        language=self.language,
                        slug=source.key.rpartition("/")[2],
                        summary=converted.summary,
                        body=blocks,
                    )
                    self._add(parent, page, source.key)
                    outcome = "relink" if converted.pending else "created"
        except Exception as exc:  # one bad file must not stop the run: it goes in the report
            self._rolled_back(source, created_images)
            reason = str(exc) if isinstance(exc, FileSkipped) else f"error: {exc!r}"[:300]
            self.report.skipped.append(Skipped(str(source.rel), reason))
            return "skipped", None
        self.report.warnings.extend(Skipped(str(source.rel), w) for w in converted.warnings)
        return outcome, converted

    def _update(self, page, blocks: list[dict], converted: Converted) -> str:
        latest = page.get_latest_revision_as_object() if page.latest_revision_id else page
        same = (
            latest.title == converted.title
            and latest.summary == converted.summary
            and _comparable(latest.body.raw_data) == _comparable(blocks)
            and self._own_ids(latest) == self.audience.ids()
            and latest.language == self.language
        )
        if same and (not self.publish or (page.live and not page.has_unpublished_changes)):
            return "unchanged"
        latest.title = converted.title
        latest.language = self.language
        latest.summary = converted.summary
        latest.body = blocks
        self._set_audience(latest)
        self._revise(latest)
        return "updated"

    def _relink(self, source: SourceFile, converted: Converted) -> None:
        """Pass 2 for a page created in pass 1: its pending links become page links, in place
        (the page has no revision yet, and its text, all the search index reads, is the
        same). Wagtail's reference index is told of the new links."""
        from knowledge.models import ArticlePage

        page = ArticlePage.objects.get(pk=self._ids[source.key])
        blocks = resolve_pending(converted.blocks, self._page_id_of_pending)
        ids = [item.get("id") for item in page.body.raw_data]
        page.body = [{**b, "id": i} if i else b for b, i in zip(blocks, ids, strict=True)]
        ArticlePage.objects.filter(pk=page.pk).update(body=page.body)
        ReferenceIndex.create_or_update_for_object(page)

    def _rolled_back(self, source: SourceFile, created_images: list[tuple[str, int]]) -> None:
        """Forget what a rolled-back transaction made: its images, and the parent (whose
        in-memory numchild may count a child that is gone)."""
        for digest, image_id in created_images:
            self._images().pop(digest, None)
            self._images_by_path = {k: v for k, v in self._images_by_path.items() if v != image_id}
            self.report.images_imported -= 1
        self._parents.pop(source.folder_key, None)

    # -- the run ---------------------------------------------------------------------------

    def run(self, root: Path) -> ImportReport:
        """Import the folder; with --publish, followers then get one summary of it."""
        from knowledge.services import subscriber_notices_held

        started, started_at = time.monotonic(), timezone.now()
        with subscriber_notices_held():
            written = self._run(root)
        if self.publish:
            self._announce(written, started_at)
        self.report.seconds = time.monotonic() - started
        return self.report

    def _announce(self, written: set[int], started_at) -> None:
        """One notice for the whole import: the articles it published for the first time (added)
        and those it changed that readers saw before (updated)."""
        from knowledge.models import ArticlePage
        from knowledge.services import import_announce

        added, updated = [], []
        for pk, first_published_at in ArticlePage.objects.filter(
            pk__in=written, live=True
        ).values_list("pk", "first_published_at"):
            new = first_published_at is None or first_published_at >= started_at
            (added if new else updated).append(pk)
        notice = import_announce(
            section=self.section, added_ids=added, updated_ids=updated, actor=self.user
        )
        self.report.announced = notice is not None

    def _run(self, root: Path) -> set[int]:
        """Both passes; returns the ids of the articles created or changed."""
        from knowledge.models import ArticlePage

        written: set[int] = set()
        self._scan = scan(root)
        self.report.skipped.extend(self._scan.skipped)
        self._load_existing()
        later: list[tuple[str, SourceFile, Converted]] = []
        documents = self._scan.documents
        with ProgressBar(len(documents), label="Importing", stream=self.stdout) as bar:
            # Each file in a savepoint of its own (a bad file is rolled back alone), committed
            # in batches: a commit per file costs more than the file itself on SQLite.
            for start in range(0, len(documents), self.batch_size):
                with transaction.atomic():
                    for source in documents[start : start + self.batch_size]:
                        outcome, converted = self._import_file(source)
                        if outcome in ("relink", "postponed"):
                            later.append((outcome, source, converted))
                        if outcome in ("created", "relink"):
                            self.report.created += 1
                        elif outcome in ("updated", "unchanged"):
                            setattr(self.report, outcome, getattr(self.report, outcome) + 1)
                        if outcome in ("created", "relink", "updated"):
                            written.add(self._ids[source.key])
                        bar.advance()
        # Pass 2: every page has an id now; links to pages made later in the run are set.
        for start in range(0, len(later), self.batch_size):
            with transaction.atomic():
                for outcome, source, converted in later[start : start + self.batch_size]:
                    try:
                        with transaction.atomic():
                            if outcome == "relink":
                                self._relink(source, converted)
                                continue
                            blocks = resolve_pending(converted.blocks, self._page_id_of_pending)
                            page = ArticlePage.objects.get(pk=self._ids[source.key])
                            result = self._update(page, blocks, converted)
                            setattr(self.report, result, getattr(self.report, result) + 1)
                            if result == "updated":
                                written.add(page.pk)
                    except Exception as exc:  # reported like pass 1
                        reason = f"error: {exc!r}"[:300]
                        self.report.skipped.append(Skipped(str(source.rel), reason))
        for _outcome, source, converted in later:
            for number in sorted(_pending_numbers(converted.blocks)):
                if self._page_id_of_pending(number) is None:
                    target = self._pending_keys[number]
                    self.report.warnings.append(
                        Skipped(str(source.rel), f"link to {target} not kept: it was skipped")
                    )
        return written
