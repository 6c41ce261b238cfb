"""The personal parts of a knowledge page: rendered for every request, around the shared part
that knowledge/page_cache.py may serve from the cache. Both the cached and the uncached path take
their personal context from here, so the two can never differ."""


def context_for(page, request) -> dict:
    """`page` is the page or its cached stand-in (pk, title, url, kind)."""
    from knowledge import selectors

    kind = getattr(page, "page_cache_kind", None) or getattr(page, "kind", None)
    user = request.user
    context: dict = {}
    if getattr(user, "is_view_as", False):
        return context  # an editor's preview as someone else: nothing personal to show
    if kind == "article":
        context["feedback"] = selectors.article_feedback_for(page=page, user=user)
    if kind in ("article", "section"):
        context["subscription"] = selectors.subscription_state_for(page=page, user=user)
    return context
