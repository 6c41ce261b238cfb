"""The index settings, applied idempotently (`manage.py search_setup`, reindex, first drain)."""

from hub.search import client

SETTINGS = {
    "searchableAttributes": ["title", "excerpt", "tags", "product_labels", "body"],
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
    "faceting": {"maxValuesPerFacet": 200},
    "pagination": {"maxTotalHits": 5000},
}

_ready: set[str] = set()


def ensure_index(uid: str | None = None, *, force: bool = False) -> None:
    """Create the index if missing and apply SETTINGS; remembered per process."""
    uid = uid or client.index_uid()
    if uid in _ready and not force:
        return
    meili = client.client()
    if not _exists(uid):
        client.wait(meili.create_index(uid, {"primaryKey": "id"}), timeout_ms=30_000)
    client.wait(meili.index(uid).update_settings(SETTINGS), timeout_ms=60_000)
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
