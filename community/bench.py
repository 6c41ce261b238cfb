"""Forum pages for `manage.py bench`: a 500-post topic (its first and last page), the latest
list, and a category 2,000 topics deep (its first page and one far down, through the cursor)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from hub import bench

REPLIES = 500
EXTRA_TOPICS = 2000


@bench.pages
def community_pages(ctx: bench.Context) -> dict[str, str]:
    from accounts.models import User
    from community import selectors, services
    from community.markdown import RENDER_VERSION, render_markdown
    from community.models import Category, Post, Topic
    from community.views import POSTS_PER_PAGE

    routers = Category.objects.get(slug="routers")
    aki = User.objects.get(email="aki@aurora.example")
    maria = User.objects.get(email="maria@kumppani.example")
    now = timezone.now()
    with transaction.atomic():
        topic = services.topic_create(
            category=routers,
            author=ctx.user,
            kind="question",
            title="Bench: a long thread",
            body="How do I **tune** the R200 for 500 sites?",
        )
        rendered = render_markdown("A reply with **some** Markdown and `code`:\n\n- a\n- b")
        Post.objects.bulk_create(
            Post(
                topic=topic,
                author=(aki, maria)[i % 2],
                source="…",
                html=rendered.html,
                text=rendered.text,
                render_version=RENDER_VERSION,
                created_at=now + timedelta(seconds=i),
                score=ctx.rng.randint(-1, 5),
                like_count=ctx.rng.randint(0, 3),
            )
            for i in range(REPLIES)
        )
        Topic.objects.filter(pk=topic.pk).update(reply_count=REPLIES)
        Topic.objects.bulk_create(
            Topic(
                category=routers,
                kind="question",
                title=f"Bench topic {i}",
                author=aki,
                product=routers.product,
                created_at=now - timedelta(minutes=i),
                last_activity_at=now - timedelta(minutes=i),
                reply_count=ctx.rng.randint(0, 9),
            )
            for i in range(EXTRA_TOPICS)
        )
    # A cursor ~1,800 topics down the category: where OFFSET paging would have to count past.
    deep = (
        selectors.topics_visible_to(ctx.user)
        .filter(category=routers, is_pinned=False)
        .order_by("-last_activity_at", "-pk")[1800]
    )
    cursor = selectors.Cursor(deep.last_activity_at, deep.pk).encode()
    last_page = -(-REPLIES // POSTS_PER_PAGE)
    url = topic.get_absolute_url()
    return {
        f"topic ({REPLIES} posts), page 1": url,
        f"topic ({REPLIES} posts), page {last_page}": f"{url}?page={last_page}",
        "latest topics": "/community/latest/",
        f"category ({EXTRA_TOPICS}+ topics)": "/community/c/routers/",
        "category, 1800 deep": f"/community/c/routers/?after={cursor}",
    }
