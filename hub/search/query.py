"""The query service: every search goes through here, always under the person's audience."""

import logging
from dataclasses import dataclass, field

from hub import audience
from hub.search import client, registry

log = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 200
PER_PAGE = 20
MAX_PAGE = 250


@dataclass
class Hit:
    type: str
    title: str
    url: str
    excerpt: str = ""
    # Highlighted fragments from Meilisearch; safe to mark safe only after escaping (see below).
    title_html: str = ""
    excerpt_html: str = ""


@dataclass
class Results:
    query: str
    page: int
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    degraded: bool = False

    @property
    def pages(self) -> int:
        return min((self.total + PER_PAGE - 1) // PER_PAGE, MAX_PAGE)


def clean_query(raw: str | None) -> str:
    return " ".join((raw or "").split())[:MAX_QUERY_LENGTH]


def clean_page(raw: str | None) -> int:
    try:
        return min(max(int(raw or 1), 1), MAX_PAGE)
    except (TypeError, ValueError):
        return 1


# Highlight markers that cannot occur in escaped text: the hit text is escaped first, then the
# markers become <mark>, so nothing from a document can become markup.
_PRE, _POST = "\x02", "\x03"


def search(user, *, query: str, page: int = 1) -> Results:
    """Meilisearch under `audience.meili_filter(user)`; when Meilisearch is unreachable, a plain
    database search under `audience.q_for` (degraded, never a leak, never an error)."""
    results = Results(query=query, page=page)
    if not query:
        return results
    params = {
        "filter": audience.meili_filter(user) or None,
        "page": page,
        "hitsPerPage": PER_PAGE,
        "attributesToRetrieve": ["type", "title", "url", "excerpt"],
        "attributesToHighlight": ["title", "excerpt"],
        "attributesToCrop": ["excerpt"],
        "cropLength": 40,
        "highlightPreTag": _PRE,
        "highlightPostTag": _POST,
    }
    try:
        response = client.index().search(query, params)
    except client.UNAVAILABLE as exc:
        log.warning("search falls back to the database: %s", exc)
        return _fallback(user, results)
    results.total = response.get("totalHits", 0)
    for hit in response["hits"]:
        formatted = hit.get("_formatted", {})
        results.hits.append(
            Hit(
                type=hit.get("type", ""),
                title=hit.get("title", ""),
                url=hit.get("url", ""),
                excerpt=hit.get("excerpt", ""),
                title_html=_mark(formatted.get("title", hit.get("title", ""))),
                excerpt_html=_mark(formatted.get("excerpt", hit.get("excerpt", ""))),
            )
        )
    return results


def _mark(text: str) -> str:
    from django.utils.html import escape

    return escape(text or "").replace(_PRE, "<mark>").replace(_POST, "</mark>")


def _fallback(user, results: Results) -> Results:
    """Each searchable model may offer `search_fallback(user, query) -> QuerySet` (already
    under `audience.q_for`) and `search_hit() -> dict` (title, url, excerpt)."""
    results.degraded = True
    querysets = [
        (type_name, model.search_fallback(user, results.query))
        for type_name, model in registry.types().items()
        if hasattr(model, "search_fallback")
    ]
    counts = [qs.count() for _, qs in querysets]
    results.total = sum(counts)
    skip, wanted = (results.page - 1) * PER_PAGE, PER_PAGE
    for (type_name, qs), count in zip(querysets, counts, strict=True):
        if skip >= count:
            skip -= count
            continue
        for obj in qs[skip : skip + wanted]:
            hit = obj.search_hit()
            results.hits.append(
                Hit(
                    type=type_name,
                    title_html=_mark(hit["title"]),
                    excerpt_html=_mark(hit["excerpt"]),
                    **hit,
                )
            )
        wanted, skip = PER_PAGE - len(results.hits), 0
        if wanted <= 0:
            break
    return results
