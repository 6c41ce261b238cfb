"""The index settings, applied idempotently (`manage.py search_setup`, reindex, first drain).

One settings update is sent before any document reaches a new index, so Meilisearch indexes
each document once. Finnish and German text is copied into `*_fi`/`*_de` attributes (see
services.clean_document), which `localizedAttributes` tokenizes with that language's rules.
"""

from hub.search import client

LANGUAGES = {"fi": "fin", "de": "deu"}
LOCALIZED_FIELDS = ("title", "excerpt", "body")


def _searchable() -> list[str]:
    out = []
    for name in ("title", "excerpt", "tags", "product_labels", "body"):
        out.append(name)
        if name in LOCALIZED_FIELDS:
            out.extend(f"{name}_{lang}" for lang in LANGUAGES)
    return out


SETTINGS = {
    "searchableAttributes": _searchable(),
    "filterableAttributes": [
        "id",
        "type",
        "products",
        "regions",
        "roles",
        "language",
        "tags",
        "solved",
    ],
    "sortableAttributes": ["published_at", "updated_at", "popularity"],
    "displayedAttributes": ["*"],
    "rankingRules": ["words", "typo", "proximity", "attribute", "sort", "exactness"],
    "typoTolerance": {
        "enabled": True,
        "minWordSizeForTypos": {"oneTypo": 4, "twoTypos": 8},
    },
    "prefixSearch": "indexingTime",
    "localizedAttributes": [
        {"attributePatterns": [f"*_{lang}"], "locales": [locale]}
        for lang, locale in LANGUAGES.items()
    ],
    "faceting": {"maxValuesPerFacet": 200},
    "facetSearch": False,
    "pagination": {"maxTotalHits": 5000},
}

_ready: set[str] = set()


def settings_with_synonyms() -> dict:
    from hub.search.synonyms import synonyms_setting

    return {**SETTINGS, "synonyms": synonyms_setting()}


def ensure_index(uid: str | None = None, *, force: bool = False) -> None:
    """Create the index if missing and apply the settings (with the editors' synonyms);
    remembered per process."""
    uid = uid or client.index_uid()
    if uid in _ready and not force:
        return
    meili = client.client()
    if not _exists(uid):
        client.wait(meili.create_index(uid, {"primaryKey": "id"}), timeout_ms=30_000)
    client.wait(meili.index(uid).update_settings(settings_with_synonyms()), timeout_ms=60_000)
    _ready.add(uid)


def forget(uid: str) -> None:
    _ready.discard(uid)


def _exists(uid: str) -> bool:
    from meilisearch.errors import MeilisearchApiError

    try:
        client.client().get_index(uid)
    except MeilisearchApiError as exc:
        if getattr(exc, "code", "") == "index_not_found":
            return False
        raise
    return True
