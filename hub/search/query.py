"""The query service: every search goes through here, always under the person's audience.

Parameters from the URL are validated against what exists (search types, taxonomy slugs); an
unknown value is dropped with a notice and never reaches the filter string. The person's
audience filter is ANDed with every filter, for hits and for every facet count alike.
"""

import difflib
import html
import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from hub import audience
from hub.search import client, registry, vocabulary

log = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 200
PER_PAGE = 20
MAX_PAGE = 250  # schema's maxTotalHits / PER_PAGE
MAX_VALUES_PER_FACET = 20  # chosen values per dimension; more are ignored with a notice
SUGGEST_PER_TYPE = 3
SUGGEST_MIN_LENGTH = 2

# URL parameter -> document attribute. The order is the order of the facet lists on the page.
FACETS = {"type": "type", "product": "products", "region": "regions", "role": "roles"}
SORTS = {"relevance": None, "newest": ["published_at:desc", "updated_at:desc"]}

# Highlight markers. Documents are stripped of these characters when they are indexed
# (services.clean_document), the hit text is escaped first, and only then do balanced marker
# pairs become <mark>: nothing from a document can become markup.
_PRE, _POST = "\ue000", "\ue001"

_RETRIEVE = ["id", "type", "title", "url", "excerpt", "products", "published_at"]


@dataclass
class Hit:
    type: str
    title: str
    url: str
    excerpt: str = ""
    # Highlighted fragments from Meilisearch; safe to mark safe only after escaping (see below).
    title_html: str = ""
    excerpt_html: str = ""
    id: str = ""
    position: int = 0
    type_label: str = ""
    products: list[str] = field(default_factory=list)
    published_at: datetime | None = None


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    facet: str = ""
    params: "Params | None" = field(default=None, repr=False, compare=False)

    @property
    def url(self) -> str:
        """The link that toggles this value; built when a page shows it (the API never does)."""
        return self.params.toggled(self.facet, self.value) if self.params else ""


@dataclass
class Facet:
    name: str
    label: str
    values: list[FacetValue]


@dataclass
class Params:
    """A validated search request. `filters` holds only known values."""

    query: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    notices: list[str] = field(default_factory=list)
    # The vocabulary the values were checked against; the results are labelled from the same
    # (one cache read per search, not one per hit).
    vocab: dict[str, dict[str, str]] = field(default_factory=dict, repr=False, compare=False)

    def items(self, **changes) -> list[tuple[str, str]]:
        """The URL parameters, with `changes` applied (a tuple replaces a facet's values)."""
        data = {
            "q": self.query,
            **{name: self.filters.get(name, ()) for name in FACETS},
            "sort": self.sort,
            "page": self.page,
            **changes,
        }
        out: list[tuple[str, str]] = []
        if data["q"]:
            out.append(("q", data["q"]))
        for name in FACETS:
            out.extend((name, v) for v in data[name])
        if data["sort"] != "relevance":
            out.append(("sort", data["sort"]))
        if int(data["page"]) > 1:
            out.append(("page", str(data["page"])))
        return out

    def url(self, **changes) -> str:
        return "?" + urlencode(self.items(**changes))

    def toggled(self, name: str, value: str) -> str:
        current = self.filters.get(name, ())
        values = tuple(v for v in current if v != value) if value in current else (*current, value)
        return self.url(**{name: values, "page": 1})

    @property
    def has_filters(self) -> bool:
        return any(self.filters.values())


@dataclass
class Results:
    query: str
    page: int
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    degraded: bool = False
    params: Params = field(default_factory=Params)
    facets: list[Facet] = field(default_factory=list)
    suggestion: str = ""
    popular: list[Hit] = field(default_factory=list)
    fewer_filters: list[tuple[str, str]] = field(default_factory=list)  # (label, url)

    @property
    def pages(self) -> int:
        return min((self.total + PER_PAGE - 1) // PER_PAGE, MAX_PAGE)

    @property
    def notices(self) -> list[str]:
        return self.params.notices

    def page_url(self, page: int) -> str:
        return self.params.url(page=page)

    @property
    def prev_url(self) -> str:
        return self.page_url(self.page - 1) if self.page > 1 else ""

    @property
    def next_url(self) -> str:
        return self.page_url(self.page + 1) if self.page < self.pages else ""

    @property
    def sort_links(self) -> list[tuple[str, str, bool]]:
        labels = {"relevance": _("Relevance"), "newest": _("Newest")}
        return [(labels[s], self.params.url(sort=s, page=1), s == self.params.sort) for s in SORTS]


# --- parameters ---------------------------------------------------------------------------------


def clean_query(raw: str | None) -> str:
    text = "".join(ch for ch in (raw or "")[: MAX_QUERY_LENGTH * 4] if ch.isprintable())
    return " ".join(text.replace(_PRE, "").replace(_POST, "").split())[:MAX_QUERY_LENGTH]


def clean_page(raw: str | None) -> int:
    try:
        return min(max(int(str(raw or 1)[:12]), 1), MAX_PAGE)
    except (TypeError, ValueError):
        return 1


def parse(data) -> Params:
    """Validate a QueryDict (or a dict of lists/strings) against the known vocabulary."""
    params = Params(query=clean_query(_first(data, "q")), page=clean_page(_first(data, "page")))
    sort = _first(data, "sort") or "relevance"
    if sort in SORTS:
        params.sort = sort
    else:
        params.notices.append(_("Unknown sort order ignored."))
    params.vocab = vocab = vocabulary.get()
    for name in FACETS:
        known = vocab[name]
        chosen: list[str] = []
        dropped = False
        for raw in _list(data, name):
            value = str(raw)[:80]
            if value in known and value not in chosen and len(chosen) < MAX_VALUES_PER_FACET:
                chosen.append(value)
            elif value not in chosen:
                dropped = True
        if chosen:
            params.filters[name] = tuple(chosen)
        if dropped:
            params.notices.append(
                _("Some %(facet)s filters were not recognised and were ignored.")
                % {"facet": vocabulary.facet_label(name)}
            )
    return params


def _first(data, key: str) -> str | None:
    values = _list(data, key)
    return str(values[0]) if values else None


def _list(data, key: str) -> list:
    if hasattr(data, "getlist"):
        return data.getlist(key)[:50]
    value = data.get(key)
    if value is None:
        return []
    return list(value)[:50] if isinstance(value, list | tuple) else [value]


# --- filters and requests -----------------------------------------------------------------------


def filter_for(audience_filter: str, params: Params, *, skip: str | None = None) -> str | None:
    """The audience filter ANDed with the chosen facets (values already validated, and quoted
    anyway). `skip` leaves one facet out: its own counts must still show the alternatives."""
    parts = [f"({audience_filter})"] if audience_filter else []
    for name, values in params.filters.items():
        if name == skip or not values:
            continue
        quoted = ", ".join(client.quote(v) for v in values)
        parts.append(f"{FACETS[name]} IN [{quoted}]")
    return " AND ".join(parts) or None


def page_requests(audience_filter: str, params: Params) -> list[dict]:
    """One multi-search: the hits with every facet, then (disjunctive facets) one count-only
    query per chosen facet with that facet's own filter left out."""
    uid = client.index_uid()
    main = {
        "indexUid": uid,
        "q": params.query,
        "locales": client.query_locales(),
        "filter": filter_for(audience_filter, params),
        "page": params.page,
        "hitsPerPage": PER_PAGE,
        "facets": list(FACETS.values()),
        "attributesToRetrieve": _RETRIEVE,
        "attributesToHighlight": ["title", "excerpt", "body"],
        "attributesToCrop": ["excerpt", "body"],
        "cropLength": 30,
        "highlightPreTag": _PRE,
        "highlightPostTag": _POST,
    }
    if SORTS[params.sort]:
        main["sort"] = SORTS[params.sort]
    requests = [main]
    for name, values in params.filters.items():
        if values:
            requests.append(
                {
                    "indexUid": uid,
                    "q": params.query,
                    "locales": client.query_locales(),
                    "filter": filter_for(audience_filter, params, skip=name),
                    "limit": 0,
                    "facets": [FACETS[name]],
                }
            )
    return requests


def _audience_filter(user) -> str:
    return audience.meili_filter(user)  # no SQL once the reach is cached (hub/audience.py)


# --- the search page ----------------------------------------------------------------------------


def search(user, *, query: str = "", page: int = 1, params: Params | None = None) -> Results:
    """Meilisearch under the person's audience filter; when Meilisearch is unreachable, a plain
    database search under `audience.q_for` (degraded, never a leak, never an error)."""
    params = params or Params(query=query, page=page)
    results = Results(query=params.query, page=params.page, params=params)
    if not params.query and not params.has_filters:
        return results
    params.vocab = params.vocab or vocabulary.get()
    audience_filter = _audience_filter(user)
    try:
        main, *disjunctive = client.multi_search(page_requests(audience_filter, params))
    except client.UNAVAILABLE as exc:
        log.warning("search falls back to the database: %s", exc)
        return _fallback(user, results)
    results.total = main.get("totalHits", 0)
    offset = (params.page - 1) * PER_PAGE
    for position, hit in enumerate(main["hits"], start=offset + 1):
        results.hits.append(_hit(hit, position, vocab=params.vocab))
    distribution = dict(main.get("facetDistribution") or {})
    for extra in disjunctive:
        distribution.update(extra.get("facetDistribution") or {})
    results.facets = _facets(params, distribution)
    if results.total == 0:
        _help_for_nothing(results, audience_filter)
    return results


def _hit(hit: dict, position: int = 0, *, vocab: dict[str, dict[str, str]]) -> Hit:
    formatted = hit.get("_formatted") or {}
    body = formatted.get("body", "")
    snippet = body if _PRE in body else formatted.get("excerpt", "") or body
    published = hit.get("published_at")
    type_name = str(hit.get("type", ""))
    products = vocab["product"]
    return Hit(
        id=str(hit.get("id", "")),
        type=type_name,
        type_label=vocab["type"].get(type_name, type_name),
        title=_plain(hit.get("title", "")),
        url=str(hit.get("url", "")),
        excerpt=_plain(hit.get("excerpt", "")),
        title_html=_mark(formatted.get("title", hit.get("title", ""))),
        excerpt_html=_mark(snippet),
        position=position,
        products=[products.get(v, v) for v in hit.get("products") or []],
        published_at=(
            datetime.fromtimestamp(published, tz=UTC) if isinstance(published, int) else None
        ),
    )


def _plain(text) -> str:
    return str(text or "").replace(_PRE, "").replace(_POST, "")


# Text whose markers come in pairs, opened then closed, as Meilisearch writes them.
_PAIRED = re.compile(f"[^{_PRE}{_POST}]*(?:{_PRE}[^{_PRE}{_POST}]*{_POST}[^{_PRE}{_POST}]*)*")


def _mark(text) -> str:
    """Escape everything, then turn balanced marker pairs (ours) into <mark>."""
    text = str(text or "")
    if _PAIRED.fullmatch(text):  # the usual case, in one pass (half the hit's Python work)
        return html.escape(text).replace(_PRE, "<mark>").replace(_POST, "</mark>")
    return _mark_pieces(text)


def _mark_pieces(text: str) -> str:
    """`_mark` for any text: a stray marker is dropped, an unclosed <mark> closed."""
    out, open_ = [], False
    for piece in re.split(f"([{_PRE}{_POST}])", text):
        if piece == _PRE:
            if not open_:
                out.append("<mark>")
                open_ = True
        elif piece == _POST:
            if open_:
                out.append("</mark>")
                open_ = False
        else:
            out.append(html.escape(piece))  # what django's escape() does, without its wrapper
    if open_:
        out.append("</mark>")
    return "".join(out)


def _facets(params: Params, distribution: dict) -> list[Facet]:
    vocab = params.vocab
    facets = []
    for name, attribute in FACETS.items():
        counts = dict(distribution.get(attribute) or {})
        chosen = params.filters.get(name, ())
        for value in chosen:
            counts.setdefault(value, 0)
        values = [
            FacetValue(
                value=value,
                label=str(vocab[name].get(value, value)),
                count=count,
                selected=value in chosen,
                facet=name,
                params=params,
            )
            for value, count in counts.items()
            if value in vocab[name] or value in chosen
        ]
        values.sort(key=lambda v: (not v.selected, -v.count, v.label.lower()))
        if values:
            facets.append(Facet(name=name, label=vocabulary.facet_label(name), values=values))
    return facets


def _help_for_nothing(results: Results, audience_filter: str) -> None:
    """Zero results: "did you mean" from the titles the person may see, links that drop each
    chosen filter, and the most popular articles (all under the audience filter)."""
    params = results.params
    for name, values in params.filters.items():
        for value in values:
            label = params.vocab[name].get(value, value)
            results.fewer_filters.append((str(label), params.toggled(name, value)))
    uid = client.index_uid()
    popular_filter = filter_for(audience_filter, Params(filters={"type": ("article",)}))
    requests = [
        {
            "indexUid": uid,
            "q": "",
            "filter": popular_filter,
            "sort": ["popularity:desc", "published_at:desc"],
            "limit": 5,
            "attributesToRetrieve": _RETRIEVE,
        }
    ]
    words = [w for w in re.findall(r"\w+", params.query.lower()) if len(w) >= 3][:6]
    if words:
        requests.append(
            {
                "indexUid": uid,
                "q": "",
                "filter": audience_filter or None,
                "sort": ["popularity:desc"],
                "limit": 1000,
                "attributesToRetrieve": ["title", "tags"],
            }
        )
    try:
        response = client.multi_search(requests)
    except client.UNAVAILABLE as exc:
        log.warning("zero-result help unavailable: %s", exc)
        return
    results.popular = [_hit(h, vocab=params.vocab) for h in response[0]["hits"]]
    if words:
        results.suggestion = _spelling(params.query, response[1]["hits"])


def _spelling(query: str, docs: list[dict]) -> str:
    vocab: set[str] = set()
    for doc in docs:
        text = " ".join([str(doc.get("title", "")), *map(str, doc.get("tags") or [])])
        vocab.update(w for w in re.findall(r"\w+", text.lower()) if len(w) >= 3)
    if not vocab:
        return ""
    changed = False

    def fix(match: re.Match) -> str:
        nonlocal changed
        word = match.group(0)
        lower = word.lower()
        if len(lower) < 3 or lower in vocab:
            return word
        close = difflib.get_close_matches(lower, vocab, n=1, cutoff=0.7)
        if close:
            changed = True
            return close[0]
        return word

    suggestion = re.sub(r"\w+", fix, query)
    return suggestion if changed else ""


# --- search as you type -------------------------------------------------------------------------


@dataclass
class SuggestGroup:
    type: str
    label: str
    hits: list[Hit]


def suggest(user, query: str) -> list[SuggestGroup]:
    """The top hits per type for the header box, under the person's audience filter."""
    query = clean_query(query)
    if len(query) < SUGGEST_MIN_LENGTH:
        return []
    audience_filter = _audience_filter(user)
    uid = client.index_uid()
    names = sorted(registry.types())
    requests = [
        {
            "indexUid": uid,
            "q": query,
            "locales": client.query_locales(),
            "filter": filter_for(audience_filter, Params(filters={"type": (name,)})),
            "limit": SUGGEST_PER_TYPE,
            "attributesToRetrieve": ["id", "type", "title", "url"],
            "attributesToHighlight": ["title"],
            "highlightPreTag": _PRE,
            "highlightPostTag": _POST,
        }
        for name in names
    ]
    try:
        response = client.multi_search(requests)
    except client.UNAVAILABLE as exc:
        log.warning("suggestions unavailable: %s", exc)
        return []
    vocab = vocabulary.get()
    groups = [
        SuggestGroup(
            type=name,
            label=vocabulary.type_label(name, plural=True),
            hits=[_hit(h, i, vocab=vocab) for i, h in enumerate(res["hits"], start=1)],
        )
        for name, res in zip(names, response, strict=True)
        if res["hits"]
    ]
    # The group with the best first hit first: Meilisearch ranks within a query only.
    return groups


# --- one document, for the click-through redirect ------------------------------------------------


def visible_url(user, doc_id: str) -> str | None:
    """The URL of one document if the person may see it (None otherwise or when unavailable)."""
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,120}", doc_id or ""):
        return None
    audience_filter = _audience_filter(user)
    parts = [f"id = {client.quote(doc_id)}"] + ([f"({audience_filter})"] if audience_filter else [])
    try:
        res = client.index().search(
            "", {"filter": " AND ".join(parts), "limit": 1, "attributesToRetrieve": ["url"]}
        )
    except client.UNAVAILABLE:
        return None
    hits = res.get("hits") or []
    return str(hits[0].get("url") or "") if hits else None


# --- the database fallback ----------------------------------------------------------------------


def _fallback(user, results: Results) -> Results:
    """Each searchable model may offer `search_fallback(user, query) -> QuerySet` (already
    under `audience.q_for`) and `search_hit() -> dict` (title, url, excerpt). Only the type
    facet applies here; the others are left out (the audience always applies)."""
    results.degraded = True
    if not results.query:
        return results
    chosen_types = results.params.filters.get("type")
    if any(v for k, v in results.params.filters.items() if k != "type"):
        results.params.notices.append(
            _("Product, region and role filters are not available in the simpler mode.")
        )
    querysets = [
        (type_name, model.search_fallback(user, results.query))
        for type_name, model in sorted(registry.types().items())
        if hasattr(model, "search_fallback") and (not chosen_types or type_name in chosen_types)
    ]
    counts = [qs.count() for _, qs in querysets]
    results.total = sum(counts)
    skip, wanted = (results.page - 1) * PER_PAGE, PER_PAGE
    position = skip
    for (type_name, qs), count in zip(querysets, counts, strict=True):
        if skip >= count:
            skip -= count
            continue
        for obj in qs[skip : skip + wanted]:
            hit = obj.search_hit()
            position += 1
            results.hits.append(
                Hit(
                    type=type_name,
                    type_label=vocabulary.type_label(type_name),
                    title_html=_mark(hit["title"]),
                    excerpt_html=_mark(hit["excerpt"]),
                    position=position,
                    **hit,
                )
            )
        wanted, skip = PER_PAGE - len(results.hits), 0
        if wanted <= 0:
            break
    return results
