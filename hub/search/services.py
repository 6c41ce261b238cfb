"""Writes to the search index: the outbox, its drain, and the reindex that swaps indexes."""

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from hub.search import client, registry, schema
from hub.search.models import IndexOutbox

log = logging.getLogger(__name__)

# While a reindex runs, drains write to the index being built too, so that no change made
# during the rebuild is missing after the swap.
_REINDEX_TARGET_KEY = "search:reindex-target"


def search_enqueue(obj) -> IndexOutbox | None:
    """Record that `obj`'s search document must be rewritten (or removed). Runs inside the
    caller's transaction; the drain is queued once per transaction, after commit."""
    type_name = registry.type_of(obj)
    if type_name is None or obj.pk is None:
        return None
    row = IndexOutbox.objects.create(
        doc_id=registry.doc_id(type_name, obj.pk),
        model=obj._meta.concrete_model._meta.label_lower,
        object_pk=str(obj.pk),
    )
    queue_drain_on_commit()
    return row


def queue_drain_on_commit() -> None:
    # Once per transaction: look in the connection's own list of commit callbacks, which a
    # rollback empties too (a flag of our own would stay set after a rollback).
    connection = transaction.get_connection()
    if not any(entry[1] is _queue_drain for entry in connection.run_on_commit):
        transaction.on_commit(_queue_drain, robust=True)


def _queue_drain() -> None:
    from hub.search.tasks import drain_outbox_task

    drain_outbox_task.delay()


@dataclass
class DrainResult:
    written: int = 0
    removed: int = 0
    failed: bool = False
    error: str = ""


def build_document(obj) -> dict | None:
    doc = obj.search_document()
    if doc is None:
        return None
    type_name = registry.type_of(obj)
    return clean_document({**doc, "id": registry.doc_id(type_name, obj.pk), "type": type_name})


# Control characters and the private-use characters the query service uses as highlight
# markers never enter the index, so a document cannot forge a highlight.
_STRIP = {c: None for c in [*range(0, 9), 11, 12, *range(14, 32), 0xE000, 0xE001]}


def clean_document(doc: dict) -> dict:
    """Strip marker and control characters from text; copy Finnish and German text into the
    `*_fi`/`*_de` attributes that the index tokenizes with that language's rules."""
    for key, value in list(doc.items()):
        if isinstance(value, str):
            doc[key] = value.translate(_STRIP)
        elif isinstance(value, list):
            doc[key] = [v.translate(_STRIP) if isinstance(v, str) else v for v in value]
    language = str(doc.get("language") or "")[:2].lower()
    if language in schema.LANGUAGES:
        for name in schema.LOCALIZED_FIELDS:
            if doc.get(name):
                doc[f"{name}_{language}"] = doc[name]
        # The copy is what is searched; the original stays for display (title, excerpt).
        doc.pop("body", None)
    return doc


def outbox_drain(*, batch: int | None = None, max_batches: int = 1000) -> DrainResult:
    """Move outbox rows into Meilisearch until the outbox is empty or Meilisearch fails.
    Rows are deleted only after Meilisearch confirmed the write; on failure they stay, with
    the error and an attempt count, for the periodic retry."""
    batch = batch or settings.SEARCH_OUTBOX_BATCH
    result = DrainResult()
    for _ in range(max_batches):
        with transaction.atomic():
            rows = list(
                IndexOutbox.objects.select_for_update(skip_locked=True).order_by("pk")[:batch]
            )
            if not rows:
                break
            try:
                written, removed = _apply(rows)
            except client.UNAVAILABLE as exc:
                log.warning(
                    "search outbox: Meilisearch unavailable, %d rows wait: %s", len(rows), exc
                )
                IndexOutbox.objects.filter(pk__in=[r.pk for r in rows]).update(
                    attempts=F("attempts") + 1, last_error=str(exc)[:2000]
                )
                result.failed, result.error = True, str(exc)
                break
            IndexOutbox.objects.filter(pk__in=[r.pk for r in rows]).delete()
        result.written += written
        result.removed += removed
    return result


def _apply(rows: list[IndexOutbox]) -> tuple[int, int]:
    from hub.search import synonyms

    by_model: dict[str, set[str]] = {}
    push_synonyms = False
    for row in rows:
        if row.model == synonyms.OUTBOX_MODEL:
            push_synonyms = True
            continue
        by_model.setdefault(row.model, set()).add(row.object_pk)
    upserts, deletes = [], set()
    for label, pks in by_model.items():
        model = registry.model_for(label)
        type_name = registry.type_of(model)
        found = {str(o.pk): o for o in registry.queryset(model).filter(pk__in=pks)}
        for pk in pks:
            doc = build_document(found[pk]) if pk in found else None
            if doc is None:
                deletes.add(registry.doc_id(type_name, pk))
            else:
                upserts.append(doc)
    for uid in _targets():
        schema.ensure_index(uid)
        index = client.index(uid)
        if upserts:
            client.wait(index.add_documents(upserts, primary_key="id"))
        if deletes:
            client.wait(index.delete_documents(filter=client.ids_filter(sorted(deletes))))
        if push_synonyms:
            client.wait(index.update_synonyms(synonyms.synonyms_setting()))
    return len(upserts), len(deletes)


def _targets() -> list[str]:
    target = cache.get(_REINDEX_TARGET_KEY)
    return [client.index_uid()] + ([target] if target else [])


def iter_documents(chunk: int = 1000) -> Iterator[dict]:
    for model in registry.types().values():
        for obj in registry.queryset(model).iterator(chunk_size=chunk):
            doc = build_document(obj)
            if doc is not None:
                yield doc


def searchable_count() -> int:
    return sum(registry.queryset(model).count() for model in registry.types().values())


def search_reindex(*, batch: int = 2000, progress: Callable[[int], None] | None = None) -> int:
    """Build a fresh index from the database and swap it in: searches keep working meanwhile,
    and writes made during the rebuild reach both indexes. Returns the documents indexed."""
    live = client.index_uid()
    fresh = f"{live}__{int(time.time() * 1000)}"
    meili = client.client()
    schema.ensure_index(live)
    schema.ensure_index(fresh, force=True)
    cache.set(_REINDEX_TARGET_KEY, fresh, timeout=6 * 3600)
    try:
        total = bulk_index(fresh, iter_documents(), batch=batch, progress=progress)
        client.wait(meili.swap_indexes([{"indexes": [live, fresh]}]))
    finally:
        cache.delete(_REINDEX_TARGET_KEY)
    # After the swap `fresh` names the old index.
    client.wait(meili.delete_index(fresh))
    schema.forget(fresh)
    return total


def bulk_index(
    uid: str,
    docs: Iterator[dict],
    *,
    batch: int = 2000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Send documents in batches without waiting between them (Meilisearch queues and
    auto-batches the tasks), then wait for all; the index's settings are applied before."""
    index = client.index(uid)
    tasks, buffer, total = [], [], 0
    for doc in docs:
        buffer.append(doc)
        if len(buffer) >= batch:
            tasks.append(index.add_documents(buffer, primary_key="id"))
            total += len(buffer)
            if progress:
                progress(len(buffer))
            buffer = []
    if buffer:
        tasks.append(index.add_documents(buffer, primary_key="id"))
        total += len(buffer)
        if progress:
            progress(len(buffer))
    for task in tasks:
        client.wait(task, timeout_ms=900_000)
    return total


@dataclass
class Status:
    in_database: dict[str, int]
    in_index: dict[str, int] | None
    index_error: str
    outbox_backlog: int
    outbox_failing: int
    outbox_oldest_seconds: float | None


def search_status() -> Status:
    in_db = {name: registry.queryset(model).count() for name, model in registry.types().items()}
    in_index, error = None, ""
    try:
        res = client.index().search("", {"limit": 0, "facets": ["type"]})
        in_index = res.get("facetDistribution", {}).get("type", {})
    except client.UNAVAILABLE as exc:
        error = str(exc)
    backlog = IndexOutbox.objects.count()
    oldest = IndexOutbox.objects.order_by("pk").values_list("created_at", flat=True).first()
    return Status(
        in_database=in_db,
        in_index=in_index,
        index_error=error,
        outbox_backlog=backlog,
        outbox_failing=IndexOutbox.objects.filter(attempts__gt=0).count(),
        outbox_oldest_seconds=(timezone.now() - oldest).total_seconds() if oldest else None,
    )
