"""Writes to the search index: the outbox, its drain, and the reindex that swaps indexes."""

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from hub.search import client, registry, schema
from hub.search.models import IndexOutbox
from notifications.outbox import queue_delivery_on_commit

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
    """Queue the drain once per transaction, after it commits (beat retries the rest)."""
    from hub.search.tasks import drain_outbox_task

    queue_delivery_on_commit(drain_outbox_task)


@dataclass
class DrainResult:
    written: int = 0
    removed: int = 0
    refused: int = 0  # documents that failed on their own and wait with a backoff
    failed: bool = False  # Meilisearch was unavailable: the rest waits
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


# A document that failed waits before its next try as long as its row has already waited,
# so the waits double (1 min, 1, 2, 4 ... up to 6 h). They follow the row's age, not its
# attempts, which an outage counts too. A new change to the document is a new row, tried at
# once.
BACKOFF_MIN = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=6)


def outbox_backoff(row: IndexOutbox, *, now) -> timedelta:
    return min(max(now - row.created_at, BACKOFF_MIN), BACKOFF_MAX)


def outbox_drain(*, batch: int | None = None, max_batches: int = 1000) -> DrainResult:
    """Move outbox rows into Meilisearch until no row is due or Meilisearch is unavailable.

    Rows are deleted only after Meilisearch confirmed the write. When Meilisearch is
    unavailable, the batch's rows stay (attempts + 1, the error) for the periodic retry. A
    document that fails on its own (its `search_document()` raises, or Meilisearch refuses it)
    keeps its row with the error and a backoff (`next_attempt_at`) and is taken out of the
    index meanwhile; the others are written.
    A row for a document is taken together with the document's other rows (older failing ones
    too): all of them are satisfied by writing its present state."""
    batch = batch or settings.SEARCH_OUTBOX_BATCH
    result = DrainResult()
    for _ in range(max_batches):
        with transaction.atomic():
            now = timezone.now()
            due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
            rows = list(
                IndexOutbox.objects.select_for_update(skip_locked=True)
                .filter(due)
                .order_by("pk")[:batch]
            )
            if not rows:
                break
            picked = time.time()
            rows += (
                IndexOutbox.objects.select_for_update(skip_locked=True)
                .filter(doc_id__in={r.doc_id for r in rows})
                .exclude(pk__in=[r.pk for r in rows])
            )
            try:
                applied = _apply(rows)
            except client.UNAVAILABLE as exc:
                log.warning(
                    "search outbox: Meilisearch unavailable, %d rows wait: %s", len(rows), exc
                )
                IndexOutbox.objects.filter(pk__in=[r.pk for r in rows]).update(
                    attempts=F("attempts") + 1, last_error=str(exc)[:2000]
                )
                result.failed, result.error = True, str(exc)
                break
            _settle(rows, applied.errors, now=now)
        # One line per batch for `manage.py search_bench` (it runs its worker at DEBUG): wall
        # times, so that the bench can line them up with its commits and Meilisearch's tasks.
        log.debug(
            "search outbox batch: picked=%.3f rows=%d build_ms=%.1f write_ms=%.1f "
            "done=%.3f tasks=%s",
            picked, len(rows), applied.build_ms, applied.write_ms, time.time(),
            ",".join(map(str, applied.tasks)),
        )  # fmt: skip
        result.written += applied.written
        result.removed += applied.removed
        result.refused += len(applied.errors)
    return result


def _settle(rows: list[IndexOutbox], errors: dict[str, str], *, now) -> None:
    """Delete the rows of the documents written; of a failed document keep its newest row,
    with the error and the time of its next try."""
    newest: dict[str, IndexOutbox] = {}
    attempts: dict[str, int] = {}
    for row in rows:
        if row.doc_id in errors:
            attempts[row.doc_id] = max(attempts.get(row.doc_id, 0), row.attempts)
            if row.doc_id not in newest or row.pk > newest[row.doc_id].pk:
                newest[row.doc_id] = row
    for doc_id, row in newest.items():
        row.attempts = attempts[doc_id] + 1
        row.last_error = errors[doc_id][:2000]
        row.next_attempt_at = now + outbox_backoff(row, now=now)
        log.warning(
            "search outbox: %s failed (attempt %d), next try at %s: %s",
            doc_id, row.attempts, row.next_attempt_at, row.last_error,
        )  # fmt: skip
    IndexOutbox.objects.bulk_update(
        list(newest.values()), ["attempts", "last_error", "next_attempt_at"]
    )
    kept = {row.pk for row in newest.values()}
    IndexOutbox.objects.filter(pk__in=[r.pk for r in rows if r.pk not in kept]).delete()


@dataclass
class Applied:
    written: int = 0
    removed: int = 0
    errors: dict[str, str] = field(default_factory=dict)  # doc_id -> why it failed
    build_ms: float = 0.0  # for the bench's stage breakdown
    write_ms: float = 0.0
    tasks: list[int] = field(default_factory=list)  # Meilisearch task uids


def _apply(rows: list[IndexOutbox]) -> Applied:
    """Build the batch's documents (each on its own: one that raises is noted, not fatal) and
    write them to the live index and to a reindex target if one is being built. A document
    that failed is removed from the index (its row keeps the error)."""
    from hub.search import synonyms

    applied = Applied()
    by_model: dict[str, dict[str, str]] = {}  # label -> {object_pk: doc_id}
    push_synonyms = False
    for row in rows:
        if row.model == synonyms.OUTBOX_MODEL:
            push_synonyms = True
            continue
        by_model.setdefault(row.model, {})[row.object_pk] = row.doc_id
    upserts, deletes = [], set()
    started = time.perf_counter()
    for label, doc_ids in by_model.items():
        try:
            # A savepoint: a database error must not abort the drain's transaction.
            with transaction.atomic():
                model = registry.model_for(label)
                found = {
                    str(o.pk): o for o in registry.queryset(model).filter(pk__in=list(doc_ids))
                }
        except Exception as exc:  # any failure here is these rows' own
            applied.errors.update(dict.fromkeys(doc_ids.values(), _describe(exc)))
            continue
        for pk, doc_id in doc_ids.items():
            try:
                with transaction.atomic():
                    doc = build_document(found[pk]) if pk in found else None
            except Exception as exc:  # search_document may raise anything
                log.exception("search outbox: cannot build the document %s", doc_id)
                applied.errors[doc_id] = _describe(exc)
                continue
            if doc is None:
                deletes.add(doc_id)
            else:
                upserts.append(doc)
    applied.build_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    for uid in _targets():
        schema.ensure_index(uid)
        index = client.index(uid)
        upserts = [doc for doc in upserts if doc["id"] not in applied.errors]
        if upserts:
            applied.errors.update(_write_documents(index, upserts, tasks=applied.tasks))
        # A document that failed leaves the index until it is written again: the old one may
        # carry an audience that no longer holds, and search never shows too much.
        if gone := deletes | set(applied.errors):
            client.wait(index.delete_documents(filter=client.ids_filter(sorted(gone))))
        if push_synonyms:
            client.wait(index.update_synonyms(synonyms.synonyms_setting()))
    applied.write_ms = (time.perf_counter() - started) * 1000
    applied.written = len([doc for doc in upserts if doc["id"] not in applied.errors])
    applied.removed = len(deletes)
    return applied


def _write_documents(index, docs: list[dict], *, tasks: list[int]) -> dict[str, str]:
    """Add documents and wait; returns {doc_id: error} of those Meilisearch refused. A task is
    applied whole or not at all, so a refused batch is split in halves until each refused
    document stands alone and the rest is written. Unavailability is raised, not split."""
    try:
        task = index.add_documents(docs, primary_key="id")
        tasks.append(task.task_uid)
        client.wait(task)
    except client.UNAVAILABLE as exc:
        if not client.refuses_documents(exc):
            raise
        if len(docs) == 1:
            log.warning("search outbox: Meilisearch refused %s: %s", docs[0]["id"], exc)
            return {docs[0]["id"]: _describe(exc)}
        half = len(docs) // 2
        return {
            **_write_documents(index, docs[:half], tasks=tasks),
            **_write_documents(index, docs[half:], tasks=tasks),
        }
    return {}


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


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
    outbox_failing: int  # documents that failed on their own and wait for their next try
    outbox_oldest_seconds: float | None
    failing: list[IndexOutbox] = field(default_factory=list)  # the first FAILING_SHOWN


FAILING_SHOWN = 20


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
    failing = IndexOutbox.objects.filter(next_attempt_at__isnull=False)
    return Status(
        in_database=in_db,
        in_index=in_index,
        index_error=error,
        outbox_backlog=backlog,
        outbox_failing=failing.count(),
        outbox_oldest_seconds=(timezone.now() - oldest).total_seconds() if oldest else None,
        failing=list(failing.order_by("pk")[:FAILING_SHOWN]),
    )
