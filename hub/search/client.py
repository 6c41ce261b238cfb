"""The one place that knows how to reach Meilisearch."""

from functools import cache

import meilisearch
from django.conf import settings
from meilisearch.errors import (
    MeilisearchApiError,
    MeilisearchCommunicationError,
    MeilisearchTimeoutError,
)


class SearchTaskFailed(Exception):
    """Meilisearch accepted a task and then did not carry it out."""


# Anything that means "Meilisearch did not do it": the caller keeps its work for a retry.
UNAVAILABLE = (
    MeilisearchCommunicationError,
    MeilisearchTimeoutError,
    MeilisearchApiError,
    SearchTaskFailed,
    OSError,
)


@cache
def _client(url: str, key: str, timeout: int) -> meilisearch.Client:
    return meilisearch.Client(url, key or None, timeout=timeout)


def client() -> meilisearch.Client:
    return _client(
        settings.MEILISEARCH_URL, settings.MEILISEARCH_MASTER_KEY, settings.MEILISEARCH_TIMEOUT
    )


def index_uid() -> str:
    return settings.MEILISEARCH_INDEX


def index(uid: str | None = None) -> meilisearch.index.Index:
    return client().index(uid or index_uid())


def wait(task_info, *, timeout_ms: int = 60_000) -> None:
    """Wait for a Meilisearch task and raise if it failed, so callers never forget a failure."""
    task = client().wait_for_task(task_info.task_uid, timeout_in_ms=timeout_ms, interval_in_ms=20)
    if task.status != "succeeded":
        raise SearchTaskFailed(f"task {task.uid} {task.status}: {task.error}")


# The query's language for Meilisearch's tokenizer, from the reader's interface language. Left
# to detect it, Meilisearch guessed a short misspelt English query ("firmwre updte r100") as
# German, whose segmenter cut the words apart, and found no article at all.
_QUERY_LOCALES = {"en": "eng", "fi": "fin", "de": "deu"}


def query_locales() -> list[str]:
    from django.utils.translation import get_language

    return [_QUERY_LOCALES.get((get_language() or "en")[:2], "eng")]


def quote(value: str) -> str:
    """A string literal for a Meilisearch filter expression."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def ids_filter(ids: list[str]) -> str:
    return f"id IN [{', '.join(quote(i) for i in ids)}]"
