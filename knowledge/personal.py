"""The personal parts of a knowledge page: rendered for every request, around the shared part
that knowledge/page_cache.py may serve from the cache. Both the cached and the uncached path take
their personal context from here, so the two can never differ.

On a page the page cache may serve, the person's own parts come from the cache too, read in the
page cache's one round trip (page_cache.py says when an entry counts); read from the database
otherwise, and then kept for the next visit."""

from knowledge import page_cache


def context_for(page, request) -> dict:
    """`page` is the page or its cached stand-in (pk, title, url, kind)."""
    user = request.user
    if getattr(user, "is_view_as", False):
        return {}  # an editor's preview as someone else: nothing personal to show
    kind = getattr(page, "page_cache_kind", None) or getattr(page, "kind", None)
    if kind not in ("article", "section"):
        return {}
    cached = page_cache.cached_personal(request, page)
    if cached is not None:
        return cached
    context = _read(page, kind, user)
    page_cache.store_personal(request, page, context)
    return context


def _read(page, kind: str, user) -> dict:
    from knowledge import selectors

    context = {"subscription": selectors.subscription_state_for(page=page, user=user)}
    if kind == "article":
        context["feedback"] = selectors.article_feedback_for(page=page, user=user)
    return context
