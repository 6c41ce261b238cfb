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
saved, published, unpublished, moved or deleted, any page's audience or view restrictions
change, or a document, image, collection or site changes (a section lists its articles, an
article shows related ones, its breadcrumbs and document links): an editor's change is visible
on the next request, for everyone. It is replaced at once and again on commit, so a reader who
rendered mid-transaction cannot store old content under the new version.

A member's page is also kept as it was rendered for them (`OWN_PAGE_KEY`, 15 minutes, with a
stand-in for the CSRF token: hub/context_processors.csrf_hole). Their next visit is that page
again, rendered by no template, while nothing it shows has changed: the content version, their
stamp (below), their reach, the language, the page number, the header's unread count and the
footer's portal settings. A message to show once or a moderation banner renders it again; staff
and Wagtail view restrictions never have one. It comes with the request's read-ahead
(hub/cache.py), so serving it costs no round trip of its own.

Otherwise one cache round trip per page view (after the request's read-ahead, the reach among
it): the content version, the page entry, the person's own parts, the site and the route entry
come in one `get_many`.

- The person's own parts (their vote and subscription state, knowledge/personal.py) are cached
  per member and page (host and path; never for staff, who see editor-only counts). An entry
  counts only while the person's stamp is the one it was stored with (replaced whenever one of
  their votes or subscriptions changes, signals.py, at once and again on commit) and it was
  stored for the same page.
- The Wagtail site of the host (with its root page and the site root paths), and for each path
  the page as the routing loaded it with its effective audience and Wagtail's view restrictions
  (KnowledgeIndexPage.route, AudiencePage.keep_for_serving), are kept under the content version,
  which a change of any of them replaces: a page not cached yet for this reader's reach or
  language is served without looking all that up in the database again. Both are kept pickled,
  so a cache hit does not unpack them. A page with view restrictions is never shared.
"""

import hashlib
import pickle
import uuid
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language

from hub import audience
from hub import cache as hub_cache
from hub.context_processors import chrome, csrf_hole, csrf_holes
from hub.release import release_id

PAGE_KEY = "knowledge:page:v1:{}"
SITE_KEY = "knowledge:site:v1:{}"
ROUTE_KEY = "knowledge:route:v1:{}"
PERSONAL_STAMP_KEY = "knowledge:personal:v1:stamp:{}"
PERSONAL_KEY = "knowledge:personal:v1:{}:{}"
OWN_PAGE_KEY = "knowledge:own-page:v1:{}:{}"
PAGE_CACHE_SECONDS = 6 * 3600
OWN_PAGE_SECONDS = 15 * 60  # a person's pages: kept for a visit, not for everyone's every page
_VERSION_SECONDS = 30 * 24 * 3600
REQUEST_ATTR = "_knowledge_page_cache"
HEADER = "X-Knowledge-Cache"


def content_version_key() -> str:
    """The content version's key names the release too: a new release starts with empty pages."""
    return f"knowledge:content-version:v1:{release_id()}"


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
    """What this request read from the cache, and what it may store there."""

    version: str
    site_key: str
    site_cached: bool
    route_key: str
    route_entry: tuple | None = None
    routed: tuple | None = None  # (url_path, the pickled page) the routing looked up
    key: str | None = None  # None: this request is not served from (or stored in) the cache
    own_key: str | None = None  # the person's kept page (with `key` only)
    reach_digest: str = ""
    personal_key: str | None = None
    personal_stamp: str | None = None
    personal_entry: tuple | None = None
    shared_html: str | None = None


def _set_new_version() -> None:
    cache.set(content_version_key(), uuid.uuid4().hex, _VERSION_SECONDS)


def bump_content_version() -> None:
    _set_new_version()
    # And once more after commit (once per transaction, however many changes it holds).
    connection = transaction.get_connection()
    if not any(entry[1] is _set_new_version for entry in connection.run_on_commit):
        transaction.on_commit(_set_new_version)


def forget_personal(user_id: int) -> None:
    """The person's votes or subscriptions changed: their cached own parts no longer count."""
    key = PERSONAL_STAMP_KEY.format(user_id)
    cache.set(key, uuid.uuid4().hex, _VERSION_SECONDS)
    transaction.on_commit(lambda: cache.set(key, uuid.uuid4().hex, _VERSION_SECONDS))


def _digest(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _member_get(request, user) -> bool:
    """A GET by a signed-in, active member: the requests whose pages and personal parts are
    cached (staff see drafts and editor-only counts, so nothing of theirs is)."""
    return (
        request.method == "GET" and user.is_authenticated and user.is_active and not user.is_staff
    )


def _page_number(request) -> str | None:
    """The `?page=N` of a request the cache may serve ("" without), or None for any other
    query string."""
    if not request.GET:
        return ""
    numbers = request.GET.getlist("page")
    if set(request.GET) != {"page"} or len(numbers) != 1 or not numbers[0].isdigit():
        return None
    return numbers[0]


def _own_key(request, user, page_number: str) -> str:
    where = (request.get_host(), request.path_info, page_number, get_language() or "")
    return OWN_PAGE_KEY.format(user.pk, _digest(*where))


@hub_cache.reads_ahead
def _own_page_ahead(request, user) -> list[str]:
    """A member's GET may be a page kept for them: it and what it counts under (the content
    version, their stamp) come with the request's read-ahead, so that serving it takes no
    round trip of its own."""
    page_number = _page_number(request) if _member_get(request, user) else None
    if page_number is None:
        return []
    stamp_key = PERSONAL_STAMP_KEY.format(user.pk)
    return [content_version_key(), stamp_key, _own_key(request, user, page_number)]


def _keys_for(request, path: str) -> tuple[str, str, str] | None:
    """The shared page's key, the person's kept page's key and the reach digest, or None."""
    page_number = _page_number(request) if _member_get(request, request.user) else None
    if page_number is None:
        return None
    reach = audience.reach_of(request.user)
    if reach.everything or reach.drafts:
        return None
    digest = reach.digest()
    where = (request.get_host(), path, page_number, get_language() or "", digest)
    return PAGE_KEY.format(_digest(*where)), _own_key(request, request.user, page_number), digest


def lookup(request, path: str):
    """A response from the cache, or None (then the request carries what `store_after_render`
    needs, and the site and the page as the route entry keeps them, where the routing looks)."""
    keys = _keys_for(request, path)
    key, own_key, reach_digest = keys if keys is not None else (None, None, "")
    site_key = SITE_KEY.format(_digest(request.get_host(), request.get_port()))
    route_key = ROUTE_KEY.format(_digest(request.get_host(), request.get_port(), path))
    version_key = content_version_key()
    early, rest = [version_key], [site_key, route_key]
    personal_key = stamp_key = None
    if _member_get(request, request.user):
        # Per person and page (whatever the query string: `?page=N` shows the same own parts).
        user_id = request.user.pk
        personal_key = PERSONAL_KEY.format(user_id, _digest(request.get_host(), path))
        stamp_key = PERSONAL_STAMP_KEY.format(user_id)
        early.append(stamp_key)
        rest.append(personal_key)
    if key is not None:
        early.append(own_key)
        rest.append(key)
    # The kept page and what it counts under were read ahead (`_own_page_ahead`): when it is
    # current, the page is served without another round trip.
    found = hub_cache.take_ahead(early)
    if found is not None:
        own = _current_own_page(request, found, version_key, stamp_key, own_key, reach_digest)
        if own is not None:
            return own
        found.update(cache.get_many(rest))
    else:
        found = cache.get_many(early + rest)
    version = found.get(version_key)
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(version_key, version, _VERSION_SECONDS):
            version = cache.get(version_key) or version

    def current(entry_key):
        entry = found.get(entry_key) if entry_key is not None else None
        return entry if entry is not None and entry[0] == version else None

    pending = Pending(
        version=version,
        site_key=site_key,
        site_cached=False,
        route_key=route_key,
        route_entry=current(route_key),
        key=key,
        own_key=own_key,
        reach_digest=reach_digest,
        personal_key=personal_key,
        personal_stamp=found.get(stamp_key) if stamp_key else None,
        personal_entry=found.get(personal_key) if personal_key else None,
    )
    setattr(request, REQUEST_ATTR, pending)
    entry = found.get(key) if key is not None else None
    if entry is not None and entry["version"] == version:
        response = _respond(request, entry)
        _keep_own_page(request, response, pending)
        return response
    site_entry = current(site_key)
    if site_entry is not None:
        pending.site_cached = _use_site(request, site_entry[1])
    return None


def _current_own_page(request, found, version_key, stamp_key, own_key, reach_digest):
    """The person's kept page as a response, when it is current."""
    own = found.get(own_key) if own_key is not None else None
    version = found.get(version_key)
    if own is None or version is None:
        return None
    if own[0] != _own_page_state(request, version, found.get(stamp_key), reach_digest):
        return None
    return _repeat(request, own[1])


def _own_page_state(request, version: str, stamp: str | None, reach_digest: str) -> tuple | None:
    """What a person's kept page shows besides the page: it counts only while this is the same.
    None when the page must be rendered (messages to show once, a moderation banner)."""
    if getattr(request, "moderation_restriction", None) is not None:
        return None
    messages = getattr(request, "_messages", None)
    if messages is not None and len(messages):
        return None
    return (version, stamp, reach_digest, *chrome(request).state())


def _repeat(request, html: str) -> HttpResponse:
    """The person's page as rendered for them before, with this request's CSRF token."""
    response = HttpResponse(html.replace(csrf_hole(), get_token(request)))
    response[HEADER] = "hit"
    patch_cache_control(response, private=True, no_cache=True)
    return response


def _keep_own_page(request, response, pending: Pending) -> None:
    """Render `response` (a page the shared cache holds, for a member) now, and keep it as this
    person's page for their next visit, with a hole for the CSRF token."""
    state = _own_page_state(request, pending.version, pending.personal_stamp, pending.reach_digest)
    if state is None:
        return
    with csrf_holes(request):
        response.render()
    html = response.content.decode()
    response.content = html.replace(csrf_hole(), get_token(request))
    if response.status_code == 200:
        # The state as it was before rendering: anything newer on the page only makes the
        # next visit render it again.
        state = (state[0], pending.personal_stamp, *state[2:])
        cache.set(pending.own_key, (state, html), OWN_PAGE_SECONDS)


def _use_site(request, blob: bytes) -> bool:
    """Put the kept site (kept pickled, so that a cache hit, which needs no site, does not
    unpack it) where Wagtail looks for the request's site and its root paths."""
    try:
        site, root_paths = pickle.loads(blob)  # noqa: S301 (our own entry, see _store_site)
    except Exception:  # written by another release: look the site up instead
        return False
    request._wagtail_site = site  # where Site.find_for_request keeps the request's site
    if root_paths is not None:
        request._wagtail_cached_site_root_paths = root_paths  # Page._get_site_root_paths
    return True


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


def cached_personal(request, page) -> dict | None:
    """The person's own parts of `page` as cached, when they still count."""
    pending = getattr(request, REQUEST_ATTR, None)
    if pending is None or pending.personal_key is None:
        return None
    entry = pending.personal_entry
    if entry is None or pending.personal_stamp is None:
        return None
    stamp, page_pk, context = entry
    if stamp != pending.personal_stamp or page_pk != page.pk:
        return None
    return context


def store_personal(request, page, context: dict) -> None:
    """Keep the person's own parts of `page` (read from the database) for their next visit."""
    pending = getattr(request, REQUEST_ATTR, None)
    if pending is None or pending.personal_key is None:
        return
    stamp = pending.personal_stamp
    if stamp is None:
        stamp_key = PERSONAL_STAMP_KEY.format(request.user.pk)
        stamp = uuid.uuid4().hex
        if not cache.add(stamp_key, stamp, _VERSION_SECONDS):
            stamp = cache.get(stamp_key)
            if stamp is None:
                return
        pending.personal_stamp = stamp  # what the person's kept page is rendered under
    cache.set(pending.personal_key, (stamp, page.pk, context), PAGE_CACHE_SECONDS)


def routed_page(request, url_path: str):
    """The page at `url_path` as the route entry keeps it (a fresh copy, with its effective
    audience and view restrictions), or None: then the routing looks it up and calls
    `remember_route`."""
    pending = getattr(request, REQUEST_ATTR, None)
    entry = pending.route_entry if pending is not None else None
    if entry is None or entry[1] != url_path:
        return None
    try:
        page = pickle.loads(entry[2])  # noqa: S301 (our own entry, written by remember_route)
    except Exception:  # a page type a new release no longer has: look the path up instead
        return None
    if entry[3] is not None:
        page.keep_for_serving(entry[3])
    return page


def remember_route(request, url_path: str, page) -> None:
    """The routing found `page` at `url_path` in the database: keep a copy of it as loaded
    (before serving adds anything to it) for the route entry, stored once the page rendered."""
    pending = getattr(request, REQUEST_ATTR, None)
    if pending is not None:
        pending.routed = (url_path, pickle.dumps(page))


def _kept_for_serving(page) -> tuple | None:
    kept = getattr(page, "kept_for_serving", None)
    return kept() if kept is not None else None


def _store_route(request, pending: Pending, page) -> None:
    """Keep the page the routing looked up (as loaded), with the audience and view restrictions
    it was served under, for this path, under the content version."""
    if pending.routed is None:
        return
    url_path, blob = pending.routed
    entry = (pending.version, url_path, blob, _kept_for_serving(page))
    cache.set(pending.route_key, entry, PAGE_CACHE_SECONDS)


def remember_shared(context, html: str) -> None:
    """Called by `{% shared_fragment %}` with what it rendered."""
    request = context.get("request")
    pending = getattr(request, REQUEST_ATTR, None) if request is not None else None
    if pending is not None and pending.key is not None:
        pending.shared_html = html


def _store_site(request, pending: Pending) -> None:
    """Keep the site this request looked up in the database, with its root page as the routing
    used it and the site root paths the page's links read, under the content version."""
    site = getattr(request, "_wagtail_site", None)
    if pending.site_cached or site is None:
        return
    root = site.root_page.__dict__.get("specific")  # loaded by the routing; never a new query
    if root is None:
        return
    site.root_page = root
    root_paths = getattr(request, "_wagtail_cached_site_root_paths", None)
    blob = pickle.dumps((site, root_paths))
    cache.set(pending.site_key, (pending.version, blob), PAGE_CACHE_SECONDS)


def store_after_render(request, response) -> None:
    """Once the page has rendered, keep the site and the route it was served through and, when
    it was a cacheable page, its shared part."""
    pending = getattr(request, REQUEST_ATTR, None)
    if pending is None or not isinstance(response, TemplateResponse):
        return
    page = (response.context_data or {}).get("page")
    kind = None
    if pending.key is not None:
        patch_cache_control(response, private=True, no_cache=True)
        kind = getattr(page, "page_cache_kind", None)
        if kind is not None:
            response[HEADER] = "miss"

    def store(rendered):
        if rendered.status_code != 200:
            return
        _store_site(request, pending)
        _store_route(request, pending, page)
        if kind is None or pending.shared_html is None:
            return
        kept = _kept_for_serving(page)
        if kept is not None and kept[1]:
            return  # Wagtail's view restrictions (groups) are checked per request: never shared
        entry = {
            "version": pending.version,
            "html": pending.shared_html,
            "template": response.template_name,
            "page": {
                "pk": page.pk,
                "title": page.title,
                "url": page.get_url(request),
                "kind": kind,
            },
        }
        cache.set(pending.key, entry, PAGE_CACHE_SECONDS)

    response.add_post_render_callback(store)
    kept = _kept_for_serving(page) if kind is not None else None
    if kind is not None and not (kept is not None and kept[1]):
        _keep_own_page(request, response, pending)
