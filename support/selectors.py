"""Reads for support requests, and the suggestions shown while a person types a subject."""

import logging
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from accounts.permissions import admin_organisation_ids
from hub import audience, taxonomy
from hub.models import Product
from support.models import Status, SupportAttachment, SupportMessage, SupportRequest

log = logging.getLogger(__name__)

PER_PAGE = 20
SUGGESTIONS = 5
# The list's filter: "active" (not closed, the default), one status, or everything.
LIST_FILTERS = ("active", *Status.values, "all")


def requests_visible_to(user) -> QuerySet[SupportRequest]:
    """The requests this person sees (permissions.can_see_request as a queryset)."""
    qs = SupportRequest.objects.all()
    if not (user.is_authenticated and user.is_active):
        return qs.none()
    if user.is_staff:
        return qs
    return qs.filter(Q(requester=user) | Q(organisation_id__in=admin_organisation_ids(user)))


def request_list(user, *, status: str = "active") -> QuerySet[SupportRequest]:
    qs = requests_visible_to(user).select_related("product", "requester", "organisation")
    if status == "active":
        qs = qs.exclude(status=Status.CLOSED)
    elif status in Status.values:
        qs = qs.filter(status=status)
    return qs.order_by("-last_activity_at", "-pk")


def request_for(user, pk: int) -> SupportRequest | None:
    """One request the person sees, with what its page shows; None when they may not."""
    return (
        requests_visible_to(user)
        .select_related("product", "requester", "organisation")
        .filter(pk=pk)
        .first()
    )


def thread_of(request: SupportRequest) -> list[SupportMessage]:
    """The messages, oldest first, with their authors and attachments (two queries)."""
    return list(
        SupportMessage.objects.filter(request=request)
        .select_related("author")
        .prefetch_related(
            Prefetch("attachments", queryset=SupportAttachment.objects.order_by("pk"))
        )
        .order_by("created_at", "pk")
    )


def attachment_for(pk: int) -> SupportAttachment | None:
    return SupportAttachment.objects.select_related("message__request").filter(pk=pk).first()


def products_for(user) -> QuerySet[Product]:
    """The products a request may be about: those of the person's organisations, each with
    the more specific products under it (an organisation with "Router R-series" may name the
    R100). Staff may name any product."""
    if user.is_staff:
        return Product.objects.order_by("name")
    own = set(
        Product.objects.filter(organisations__memberships__user=user).values_list("pk", flat=True)
    )
    tree = taxonomy.tree(Product)
    wanted = set(own)
    for pk in own:
        wanted |= tree.descendants(pk)
    return Product.objects.filter(pk__in=wanted).order_by("name")


# --- Suggestions while typing a subject ----------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    type: str  # "article" or "topic"
    title: str
    url: str
    excerpt: str = ""


def _meili_suggestions(user, text: str, limit: int) -> list[Suggestion]:
    from hub.search import client

    wanted = '(type = "article" OR (type = "topic" AND solved = true))'
    reach = audience.meili_filter(user)
    params = {
        "filter": f"({reach}) AND {wanted}" if reach else wanted,
        "limit": limit,
        "locales": client.query_locales(),
        "attributesToRetrieve": ["type", "title", "url", "excerpt"],
    }
    response = client.index().search(text, params)
    return [
        Suggestion(
            type=hit.get("type", ""),
            title=hit.get("title", ""),
            url=hit.get("url", ""),
            excerpt=hit.get("excerpt", ""),
        )
        for hit in response.get("hits", [])
    ]


def _database_suggestions(user, text: str, limit: int) -> list[Suggestion]:
    """Meilisearch is down: the searchable models' own database fallback (already under
    `audience.q_for`), tried with the longest words of the subject, at most two queries per
    word."""
    from community.models import Topic
    from knowledge.models import ArticlePage

    words = sorted({w for w in text.split() if len(w) >= 3}, key=len, reverse=True)[:2]
    found: dict[str, Suggestion] = {}
    for word in words:
        for obj in ArticlePage.search_fallback(user, word)[:limit]:
            hit = obj.search_hit()
            found.setdefault(hit["url"], Suggestion(type="article", **hit))
        topics = Topic.search_fallback(user, word).filter(accepted_post__isnull=False)
        for obj in topics[:limit]:
            hit = obj.search_hit()
            found.setdefault(hit["url"], Suggestion(type="topic", **hit))
        if len(found) >= limit:
            break
    return list(found.values())[:limit]


def suggestions_for(user, text: str, *, limit: int = SUGGESTIONS) -> tuple[list[Suggestion], bool]:
    """Articles and solved questions matching `text`, under the person's audience. Returns
    (suggestions, degraded): degraded is True when Meilisearch was unreachable and the database
    answered instead."""
    from hub.search import client

    text = " ".join(text.split())[:200]
    if len(text) < 3:
        return [], False
    try:
        return _meili_suggestions(user, text, limit), False
    except client.UNAVAILABLE as exc:
        log.warning("support suggestions fall back to the database: %s", exc)
        return _database_suggestions(user, text, limit), True
