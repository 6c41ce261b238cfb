"""The audience-keyed page cache of the knowledge hub.

A page is cached as its *shared* part only: what everyone with the same reach sees (the
`{% shared_fragment %}` block of its template: breadcrumbs, body, table of contents, related
content, lists). The key is the site, the URL path (and `?page=`), the language, the content
version and the digest of the reader's reach (hub/audience.py: the sorted per-membership
scopes), so two people share an entry only when they see exactly the same content. Everything
personal (header, CSRF tokens, the person's own vote, subscription state, messages) is rendered
on every request around the cached part, from the same template.

Never cached: staff (they see drafts and editor-only counts), anonymous visitors, any method but
GET, any query string but `?page=N`, previews and "view as" (they do not come through `serve`).

The content version is one token for the whole knowledge hub, replaced whenever any page is
saved, published, unpublished, moved or deleted, any page's audience changes, or a document,
image or collection changes (a section lists its articles, an article shows related ones, its
breadcrumbs and document links): an editor's change is visible on the next request, for
everyone. It is replaced at once and again on commit, so a reader who rendered mid-transaction
cannot store old content under the new version.
"""

import hashlib
import uuid
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language

from hub import audience

CONTENT_VERSION_KEY = "knowledge:content-version:v1"
PAGE_KEY = "knowledge:page:v1:{}"
PAGE_CACHE_SECONDS = 6 * 3600
_VERSION_SECONDS = 30 * 24 * 3600
REQUEST_ATTR = "_knowledge_page_cache"
HEADER = "X-Knowledge-Cache"


@dataclass(frozen=True)
class CachedPage:
    """What a template may read of `page` outside its shared fragment."""

    pk: int
    title: str
    url: str
    kind: str

    @property
    def id(self) -> int:
        return self.pk


@dataclass
class Pending:
    key: str
    version: str
    shared_html: str | None = None


def _set_new_version() -> None:
    cache.set(CONTENT_VERSION_KEY, uuid.uuid4().hex, _VERSION_SECONDS)


def bump_content_version() -> None:
    _set_new_version()
    # And once more after commit (once per transaction, however many changes it holds).
    connection = transaction.get_connection()
    if not any(entry[1] is _set_new_version for entry in connection.run_on_commit):
        transaction.on_commit(_set_new_version)


def _key_for(request, path: str) -> str | None:
    if request.method != "GET":
        return None
    user = request.user
    if not user.is_authenticated or not user.is_active or user.is_staff:
        return None
    page_number = ""
    if request.GET:
        numbers = request.GET.getlist("page")
        if set(request.GET) != {"page"} or len(numbers) != 1 or not numbers[0].isdigit():
            return None
        page_number = numbers[0]
    reach = audience.reach_of(user)
    if reach.everything or reach.drafts:
        return None
    raw = "|".join((request.get_host(), path, page_number, get_language() or "", reach.digest()))
    return PAGE_KEY.format(hashlib.sha256(raw.encode()).hexdigest())


def lookup(request, path: str):
    """A response from the cache, or None (then the request carries what `store` needs)."""
    key = _key_for(request, path)
    if key is None:
        return None
    found = cache.get_many([CONTENT_VERSION_KEY, key])
    version = found.get(CONTENT_VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(CONTENT_VERSION_KEY, version, _VERSION_SECONDS):
            version = cache.get(CONTENT_VERSION_KEY) or version
    entry = found.get(key)
    if entry is not None and entry["version"] == version:
        return _respond(request, entry)
    setattr(request, REQUEST_ATTR, Pending(key=key, version=version))
    return None


def _respond(request, entry: dict):
    from knowledge import personal

    page = CachedPage(**entry["page"])
    context = {
        "page": page,
        "self": page,
        "shared_html": entry["html"],
        **personal.context_for(page, request),
    }
    response = TemplateResponse(request, entry["template"], context)
    response[HEADER] = "hit"
    patch_cache_control(response, private=True, no_cache=True)
    return response


def remember_shared(context, html: str) -> None:
    """Called by `{% shared_fragment %}` with what it rendered."""
    request = context.get("request")
    pending = getattr(request, REQUEST_ATTR, None) if request is not None else None
    if pending is not None:
        pending.shared_html = html


def store_after_render(request, response) -> None:
    """Once the page has rendered, keep its shared part (when it was a cacheable page)."""
    pending = getattr(request, REQUEST_ATTR, None)
    if pending is None or not isinstance(response, TemplateResponse):
        return
    patch_cache_control(response, private=True, no_cache=True)
    page = (response.context_data or {}).get("page")
    kind = getattr(page, "page_cache_kind", None)
    if kind is None:
        return
    response[HEADER] = "miss"

    def store(rendered):
        if pending.shared_html is None or rendered.status_code != 200:
            return
        entry = {
            "version": pending.version,
            "html": pending.shared_html,
            "template": response.template_name,
            "page": {"pk": page.pk, "title": page.title, "url": page.url, "kind": kind},
        }
        cache.set(pending.key, entry, PAGE_CACHE_SECONDS)

    response.add_post_render_callback(store)
