"""Demo data for the knowledge app, called by `manage.py seed_demo` after the personas exist.
Must be idempotent: create what is missing, leave what exists (editors may have changed it)."""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone
from taggit.models import Tag
from wagtail.models import Collection

from hub.models import Product, Region, Role
from knowledge.models import ArticlePage, Document, DocumentLibraryPage, NewsIndexPage, NewsPage
from knowledge.services import knowledge_root

# (collection, title, filename, description, audience (products, regions, roles))
DOCUMENTS = [
    (
        "Manuals",
        "R-series quick start guide",
        "r-series-quick-start.pdf",
        "Unpacking, cabling and the first login, on two pages.",
        (("router-r",), (), ()),
    ),
    (
        "Manuals",
        "S-series installation manual",
        "s-series-installation.pdf",
        "Rack mounting, power and the first configuration.",
        (("switch-s",), (), ()),
    ),
    (
        "Brochures",
        "Portal user guide",
        "portal-user-guide.txt",
        "How to use this portal.",
        ((), (), ()),
    ),
    (
        "Brochures",
        "Partner sales kit 2027",
        "partner-sales-kit-2027.pdf",
        "Sales arguments and price positioning.",
        ((), ("dach",), ("partner",)),
    ),
]

# (slug, title, date offset in days, summary, audience)
NEWS = [
    (
        "portal-launch",
        "Welcome to the new customer portal",
        -30,
        "Articles, documents and the community in one place.",
        ((), (), ()),
    ),
    (
        "r200-firmware-3-2",
        "R200 firmware 3.2 is out",
        -7,
        "Faster VPN set-up and fixes for LTE fail-over.",
        (("router-r",), (), ()),
    ),
    (
        "nordic-service-hours",
        "Service hours over the holidays in the Nordics",
        -3,
        "Our support desk in Finland, Sweden and Norway over the holidays.",
        ((), ("nordics",), ()),
    ),
    (
        "partner-day-munich",
        "Partner day in Munich",
        -1,
        "Meet the product team and other partners in March.",
        ((), ("dach",), ("partner",)),
    ),
]

# An article that shows the richer blocks (the foundation's articles have plain paragraphs).
RICH_ARTICLE = "r-series-field-diagnostics"
RICH_BODY = [
    ("paragraph", "<p>Read the LED codes first: most faults show there before anything else.</p>"),
    (
        "callout",
        {
            "kind": "warning",
            "text": "<p>Do not power-cycle the router during a firmware update.</p>",
        },
    ),
    ("heading", "The diagnostic log"),
    ("code", {"language": "shell", "code": "ssh admin@192.168.1.1\nshow log diagnostics"}),
    (
        "table",
        {
            "first_row_is_table_header": True,
            "first_col_is_header": False,
            "data": [["LED", "Meaning"], ["Green", "Online"], ["Amber blinking", "Updating"]],
        },
    ),
]


def _pdf(title: str) -> bytes:
    """A minimal valid one-page PDF showing the title (no external library)."""
    text = title.replace("\\", "").replace("(", "").replace(")", "")
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _set_audience(obj, aud) -> None:
    products, regions, roles = aud
    obj.audience_products = list(Product.objects.filter(slug__in=products))
    obj.audience_regions = list(Region.objects.filter(slug__in=regions))
    obj.audience_roles = list(Role.objects.filter(slug__in=roles))


def _collection(name: str) -> Collection:
    root = Collection.get_first_root_node()
    found = root.get_children().filter(name=name).first()
    return found or root.add_child(instance=Collection(name=name))


def _documents() -> dict[str, Document]:
    out = {}
    for collection, title, filename, description, aud in DOCUMENTS:
        doc = Document.objects.filter(title=title).first()
        if doc is None:
            content = (
                _pdf(title) if filename.endswith(".pdf") else f"{title}\n\n{description}\n".encode()
            )
            doc = Document(title=title, description=description, collection=_collection(collection))
            doc.file.save(filename, ContentFile(content), save=False)
            doc.file_size = len(content)
            _set_audience(doc, aud)
            doc.save()
        out[title] = doc
    return out


def _child(parent, model, slug, aud, **fields):
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = model(slug=slug, **fields)
        _set_audience(page, aud)
        parent.add_child(instance=page)
        page.save_revision().publish()
    return page


def seed(*, stdout) -> None:
    root = knowledge_root()
    today = timezone.localdate()
    documents = _documents()
    _child(
        root,
        DocumentLibraryPage,
        "documents",
        ((), (), ()),
        title="Documents",
        intro="Manuals, brochures and other material for your products.",
    )
    news_index = _child(
        root, NewsIndexPage, "news", ((), (), ()), title="News", intro="What is new."
    )
    for slug, title, offset, summary, aud in NEWS:
        _child(
            news_index,
            NewsPage,
            slug,
            aud,
            title=title,
            date=today + datetime.timedelta(days=offset),
            summary=summary,
            body=[("paragraph", f"<p>{summary}</p>")],
        )

    # Review dates and tags for the foundation's articles, once.
    for i, article in enumerate(ArticlePage.objects.filter(last_reviewed__isnull=True)):
        article.last_reviewed = today - datetime.timedelta(days=20 + 7 * i)
        tag_names = [w for w in article.slug.split("-") if len(w) > 3][:2]
        article.tags.set(
            [Tag.objects.get_or_create(name=n, defaults={"slug": n})[0] for n in tag_names]
        )
        article.save_revision().publish()

    rich = ArticlePage.objects.filter(slug=RICH_ARTICLE).first()
    if rich is not None and not any(b.block_type == "callout" for b in rich.body):
        guide = documents["R-series quick start guide"]
        rich.body = [*RICH_BODY, ("document", guide)]
        rich.save_revision().publish()
    stdout.write("Knowledge: news, documents, review dates and tags are in place.")
