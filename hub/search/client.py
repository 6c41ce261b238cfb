"""The one place that knows how to reach Meilisearch."""

import json
import os
from functools import cache

import meilisearch
import requests
from django.conf import settings
from meilisearch.errors import (
    MeilisearchApiError,
    MeilisearchCommunicationError,
    MeilisearchTimeoutError,
)


class SearchTaskFailed(Exception):
    """Meilisearch accepted a task and then did not carry it out. `error` is Meilisearch's
    error object of a failed task (code, type, message); empty when the task was canceled."""

    def __init__(self, message: str, *, error: dict | None = None):
        super().__init__(message)
        self.error = error or {}


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


@cache
def _session(url: str, key: str, pid: int) -> requests.Session:
    # One per process (`pid`: never a connection inherited across a fork). No compression:
    # a gzipped answer on a kept-open connection waited 40 ms for a delayed TCP ack. No proxy
    # or .netrc look-ups in the environment on every call: MEILISEARCH_URL is reached as given.
    session = requests.Session()
    session.trust_env = False
    session.headers.update({"Content-Type": "application/json", "Accept-Encoding": "identity"})
    if key:
        session.headers["Authorization"] = f"Bearer {key}"
    return session


def multi_search(queries: list[dict]) -> list[dict]:
    """Meilisearch's multi-search, for the searches people wait for (the search page, the JSON
    API, suggestions), over a connection kept open: the library opens a new connection for
    every call. Raises what the library raises, so `UNAVAILABLE` covers it."""
    url = settings.MEILISEARCH_URL
    session = _session(url, settings.MEILISEARCH_MASTER_KEY, os.getpid())
    try:
        response = session.post(
            f"{url}/multi-search",
            data=json.dumps({"queries": queries}).encode(),
            timeout=settings.MEILISEARCH_TIMEOUT,
        )
    except requests.Timeout as exc:
        raise MeilisearchTimeoutError(str(exc)) from exc
    except requests.RequestException as exc:
        raise MeilisearchCommunicationError(str(exc)) from exc
    if response.status_code >= 400:
        raise MeilisearchApiError(str(response.status_code), response)
    return response.json()["results"]


def index_uid() -> str:
    return settings.MEILISEARCH_INDEX


def index(uid: str | None = None) -> meilisearch.index.Index:
    return client().index(uid or index_uid())


def wait(task_info, *, timeout_ms: int = 60_000) -> None:
    """Wait for a Meilisearch task and raise if it failed, so callers never forget a failure."""
    task = client().wait_for_task(task_info.task_uid, timeout_in_ms=timeout_ms, interval_in_ms=20)
    if task.status != "succeeded":
        error = task.error if task.status == "failed" else None
        raise SearchTaskFailed(f"task {task.uid} {task.status}: {task.error}", error=error)


# What a refused request or a failed task blames, from Meilisearch's error `type` and `code`:
# the server ("system": disk full, I/O), our key ("auth") or the index itself ("index_*") are
# everyone's problem, and everything waits; the rest blames the documents sent, including
# "internal" (a `_vectors` of the wrong shape fails that way).
_NOT_THE_DOCUMENTS = {"system", "auth"}
_REFUSED_REQUESTS = {"malformed_payload", "payload_too_large", "bad_request"}


def refuses_documents(exc: BaseException) -> bool:
    """Whether a failed document write was refused because of the documents in it, so that
    writing them in smaller groups finds the bad ones (rather than waiting for Meilisearch)."""
    if isinstance(exc, SearchTaskFailed):
        code = str(exc.error.get("code") or "")
        return bool(exc.error) and (
            exc.error.get("type") not in _NOT_THE_DOCUMENTS and not code.startswith("index_")
        )
    if isinstance(exc, MeilisearchApiError):
        code = str(exc.code or "")
        return exc.status_code in (400, 413) and (
            code in _REFUSED_REQUESTS or code.startswith(("invalid_document", "missing_document"))
        )
    return False


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
