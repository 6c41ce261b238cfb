"""Reads for the forum. Every list goes through `audience.q_for(user, Category, ...)`."""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from community.models import (
    Bookmark,
    Category,
    CategoryWatch,
    Handle,
    Like,
    Post,
    PostRevision,
    Topic,
    TopicWatch,
    Vote,
)
from hub import audience

_AUDIENCE = tuple(f"category__{name}" for name in Category.audience_prefetch())


def categories_visible_to(user) -> QuerySet[Category]:
    """Categories in the person's audience, each with `topic_count` (topics they can see)."""
    shown = Q(topics__is_hidden=False, topics__is_deleted=False)
    return (
        Category.objects.filter(audience.q_for(user, Category))
        .annotate(topic_count=Count("topics", filter=shown))
        .order_by("position", "name")
    )


def category_for(user, slug: str) -> Category | None:
    return (
        Category.objects.filter(audience.q_for(user, Category), slug=slug)
        .prefetch_related(*Category.audience_prefetch())
        .first()
    )


def topics_visible_to(user) -> QuerySet[Topic]:
    qs = Topic.objects.filter(audience.q_for(user, Category, prefix="category__"))
    if not user.is_staff:
        qs = qs.filter(is_hidden=False, is_deleted=False)
    return qs


def topic_list(user, *, category: Category) -> QuerySet[Topic]:
    """Pinned first, then by last activity; one query per page whatever its length."""
    return (
        topics_visible_to(user)
        .filter(category=category)
        .select_related("author")
        .order_by("-is_pinned", "-last_activity_at", "-pk")
    )


def topic_for(user, pk: int) -> Topic | None:
    """The topic with what its page needs, or None when it does not exist for this person.
    Annotated with the person's own state: `is_bookmarked`, `topic_watching` (True, False or
    None when never chosen) and `category_watched`. The question and the accepted answer (with
    their authors) come in a second query: joined into the first, with the promoted article,
    they made it a join of eleven tables that took longer to plan than both queries now take. The
    article, on few topics, is read when it is asked for."""
    topic = (
        topics_visible_to(user)
        .filter(pk=pk, merged_into__isnull=True)  # moderation: a merged topic's URL redirects
        .select_related("category", "author", "product")
        .prefetch_related(*_AUDIENCE, "tags")
        .annotate(
            is_bookmarked=Exists(Bookmark.objects.filter(topic=OuterRef("pk"), user_id=user.pk)),
            topic_watching=Subquery(
                TopicWatch.objects.filter(topic=OuterRef("pk"), user_id=user.pk).values("watching")[
                    :1
                ]
            ),
            category_watched=Exists(
                CategoryWatch.objects.filter(category=OuterRef("category_id"), user_id=user.pk)
            ),
        )
        .first()
    )
    if topic is None:
        return None
    ids = {topic.first_post_id, topic.accepted_post_id} - {None}
    posts = {p.pk: p for p in Post.objects.filter(pk__in=ids).select_related("author")}
    for name in ("first_post", "accepted_post"):
        post = posts.get(getattr(topic, f"{name}_id"))
        if post is not None:
            # The page checks these posts against their topic: hand it over, do not re-fetch it.
            post.topic = topic
            setattr(topic, name, post)
    return topic


def post_for(user, pk: int) -> Post | None:
    return (
        Post.objects.filter(audience.q_for(user, Category, prefix="topic__category__"), pk=pk)
        .select_related("topic__category", "author")
        .prefetch_related(*(f"topic__{name}" for name in _AUDIENCE))
        .first()
    )


def replies(user, *, topic: Topic) -> QuerySet[Post]:
    """The posts after the question, oldest first; hidden and deleted ones only for staff."""
    qs = topic.posts.exclude(pk=topic.first_post_id).select_related("author")
    if not user.is_staff:
        qs = qs.filter(is_hidden=False, is_deleted=False)
    return qs.order_by("created_at", "pk")


def votes_by(user, posts) -> dict[int, int]:
    """{post id: the person's vote} for the given posts, in one query."""
    ids = [p.pk for p in posts if p is not None]
    if not ids:
        return {}
    return dict(Vote.objects.filter(user=user, post_id__in=ids).values_list("post_id", "value"))


def likes_by(user, posts) -> set[int]:
    """The ids of the given posts the person likes, in one query."""
    ids = [p.pk for p in posts if p is not None]
    if not ids:
        return set()
    return set(Like.objects.filter(user=user, post_id__in=ids).values_list("post_id", flat=True))


def is_watching_topic(topic: Topic) -> bool:
    """From topic_for's annotations: an explicit choice wins, else the category's watch."""
    choice = getattr(topic, "topic_watching", None)
    return bool(choice) if choice is not None else bool(getattr(topic, "category_watched", False))


def category_watched(user, category: Category) -> bool:
    return CategoryWatch.objects.filter(category=category, user_id=user.pk).exists()


def post_revisions(post: Post) -> list[PostRevision]:
    """The post's earlier sources, oldest first, with who replaced each."""
    return list(post.revisions.select_related("edited_by").order_by("created_at", "pk"))


def handle_user(handle: str):
    found = Handle.objects.filter(handle=handle.lower()).select_related("user").first()
    return found.user if found else None


# --- topic lists with keyset ("seek") pagination ---------------------------------------------
#
# Lists are ordered by (last_activity_at, id) descending and paged by a cursor holding the last
# row's pair, so page 500 of a category costs what page 1 does (an index seek on
# community_topic_seek[_cat]; no OFFSET, no COUNT). Pinned topics are shown above the first
# page of a category instead of taking part in the order.

SHOWS = ("latest", "unanswered", "solved", "mine", "bookmarks")
PER_PAGE = 30


@dataclass
class Cursor:
    at: datetime
    pk: int

    def encode(self) -> str:
        return f"{int(self.at.timestamp() * 1_000_000)}.{self.pk}"

    @classmethod
    def decode(cls, raw: str | None) -> "Cursor | None":
        try:
            micros, pk = (raw or "").split(".", 1)
            at = datetime.fromtimestamp(int(micros) / 1_000_000, tz=UTC)
            return cls(at=at, pk=int(pk))
        except (ValueError, OverflowError, OSError):
            return None


@dataclass
class Filters:
    show: str = "latest"
    category: Category | None = None
    product: str = ""  # slug
    tag: str = ""
    author_handle: str = ""
    author: object = None  # the User the handle names (None: no such person, no topics)

    def query(self, **extra) -> str:
        """The filters as a query string (for links that keep them), plus `extra`."""
        from urllib.parse import urlencode

        params = {
            "category": self.category.slug if self.category else "",
            "product": self.product,
            "tag": self.tag,
            "author": self.author_handle,
            **extra,
        }
        return urlencode({k: v for k, v in params.items() if v})


@dataclass
class FeedPage:
    topics: list[Topic] = field(default_factory=list)
    pinned: list[Topic] = field(default_factory=list)
    next_cursor: str = ""
    prev_cursor: str = ""
    is_first: bool = True


def _filtered(user, filters: Filters) -> QuerySet[Topic]:
    qs = topics_visible_to(user)
    if filters.category is not None:
        qs = qs.filter(category=filters.category)
    if filters.product:
        qs = qs.filter(product__slug=filters.product)
    if filters.tag:
        qs = qs.filter(tags__name=filters.tag)
    if filters.author_handle:
        qs = qs.filter(author=filters.author) if filters.author else qs.none()
    show = filters.show
    if show == "unanswered":
        qs = qs.filter(kind="question", reply_count=0)
    elif show == "solved":
        qs = qs.filter(accepted_post__isnull=False)
    elif show == "mine":
        qs = qs.filter(
            Q(author_id=user.pk)
            | Exists(Post.objects.filter(topic=OuterRef("pk"), author_id=user.pk))
        )
    elif show == "bookmarks":
        qs = qs.filter(Exists(Bookmark.objects.filter(topic=OuterRef("pk"), user_id=user.pk)))
    return qs


def topic_feed(
    user,
    filters: Filters,
    *,
    after: str | None = None,
    before: str | None = None,
    per_page: int = PER_PAGE,
) -> FeedPage:
    """One page of a topic list: `after` (older than the cursor) or `before` (newer than it).
    Two queries at most whatever the depth: the page (per_page + 1 rows, to know whether there
    is more) and, on a category's first page, its pinned topics."""
    qs = _filtered(user, filters)
    in_category = filters.category is not None and filters.show == "latest"
    if in_category:
        qs = qs.filter(is_pinned=False)
    qs = qs.select_related("author", "category", "product")
    page = FeedPage()
    older, newer = Cursor.decode(after), Cursor.decode(before)
    if newer is not None:
        rows = list(
            qs.filter(
                Q(last_activity_at__gt=newer.at) | Q(last_activity_at=newer.at, pk__gt=newer.pk)
            ).order_by("last_activity_at", "pk")[: per_page + 1]
        )
        more_newer = len(rows) > per_page
        rows = list(reversed(rows[:per_page]))
        page.topics = rows
        page.is_first = not more_newer
        if rows:
            page.next_cursor = Cursor(rows[-1].last_activity_at, rows[-1].pk).encode()
            if more_newer:
                page.prev_cursor = Cursor(rows[0].last_activity_at, rows[0].pk).encode()
    else:
        if older is not None:
            qs = qs.filter(
                Q(last_activity_at__lt=older.at) | Q(last_activity_at=older.at, pk__lt=older.pk)
            )
        rows = list(qs.order_by("-last_activity_at", "-pk")[: per_page + 1])
        page.topics = rows[:per_page]
        page.is_first = older is None
        if len(rows) > per_page:
            last = page.topics[-1]
            page.next_cursor = Cursor(last.last_activity_at, last.pk).encode()
        if older is not None and page.topics:
            first = page.topics[0]
            page.prev_cursor = Cursor(first.last_activity_at, first.pk).encode()
    if in_category and page.is_first:
        page.pinned = list(
            _filtered(user, filters)
            .filter(is_pinned=True)
            .select_related("author", "category", "product")
            .order_by("-last_activity_at", "-pk")
        )
    return page


# --- "similar questions and articles" while typing a title ----------------------------------

SIMILAR_LIMIT = 6
SIMILAR_TYPES = ("topic", "article")


@dataclass
class Similar:
    title: str
    url: str
    type: str
    solved: bool = False


@dataclass
class SimilarResults:
    hits: list[Similar] = field(default_factory=list)
    degraded: bool = False


def similar_to(user, title: str) -> SimilarResults:
    """Topics and articles like `title`, under `audience.meili_filter(user)`; when Meilisearch
    is unreachable, a plain database match on the title's longest words under `q_for`."""
    import logging

    from hub.search import client

    title = " ".join((title or "").split())[:200]
    if len(title) < 3:
        return SimilarResults()
    types = "type IN [" + ", ".join(client.quote(t) for t in SIMILAR_TYPES) + "]"
    reach = audience.meili_filter(user)
    params = {
        "filter": f"({reach}) AND {types}" if reach else types,
        "limit": SIMILAR_LIMIT,
        "locales": client.query_locales(),
        "attributesToRetrieve": ["type", "title", "url", "solved"],
    }
    try:
        response = client.index().search(title, params)
    except client.UNAVAILABLE as exc:
        logging.getLogger(__name__).warning("similar: falls back to the database: %s", exc)
        return _similar_fallback(user, title)
    return SimilarResults(
        hits=[
            Similar(
                title=h.get("title", ""),
                url=h.get("url", ""),
                type=h.get("type", ""),
                solved=bool(h.get("solved")),
            )
            for h in response.get("hits", [])
        ]
    )


def _similar_fallback(user, title: str) -> SimilarResults:
    from functools import reduce
    from operator import or_

    from knowledge.models import ArticlePage

    words = sorted({w for w in title.split() if len(w) >= 4}, key=len, reverse=True)[:3]
    if not words:
        return SimilarResults(degraded=True)
    topics = (
        topics_visible_to(user)
        .filter(reduce(or_, (Q(title__icontains=w) for w in words)))
        .order_by("-last_activity_at", "-pk")
        .only("pk", "title", "accepted_post_id")[:SIMILAR_LIMIT]
    )
    hits = [
        Similar(title=t.title, url=t.get_absolute_url(), type="topic", solved=t.is_solved)
        for t in topics
    ]
    if len(hits) < SIMILAR_LIMIT:
        articles = (
            ArticlePage.objects.filter(audience.q_for(user, ArticlePage))
            .filter(reduce(or_, (Q(title__icontains=w) for w in words)))
            .order_by("-first_published_at", "pk")[: SIMILAR_LIMIT - len(hits)]
        )
        hits += [Similar(title=a.title, url=a.url, type="article") for a in articles]
    return SimilarResults(hits=hits, degraded=True)
