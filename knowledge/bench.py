"""Knowledge pages for `manage.py bench` (hub/bench.py): an article as most are (a summary and
a few paragraphs), a long one (headings → table of contents, tags shared with 40 others →
related content, callouts, code, a table) and the bench section, each timed uncached and served
from the audience-keyed page cache (page_cache.py).

The uncached rows add `?nocache=1`: any query string but `?page=N` bypasses the page cache, so
they run the whole Wagtail page view. The plain "article" and "section" rows of the harness are
served from the cache too (after its warm-up requests), as a customer's repeat visit is."""

from hub import bench


@bench.pages
def knowledge_pages(ctx: bench.Context) -> dict[str, str]:
    from taggit.models import Tag

    from hub import audience
    from knowledge.models import ArticlePage, ArticlePageTag, SectionPage

    section = SectionPage.objects.get(slug="bench-section")
    body = []
    for i in range(12):
        body.append(("heading", f"Step {i + 1}: check the configuration"))
        body.append(("paragraph", "<p>" + "Explained in some detail. " * 30 + "</p>"))
        if i % 4 == 0:
            body.append(("callout", {"kind": "tip", "text": "<p>Keep a backup first.</p>"}))
        if i % 4 == 1:
            body.append(("code", {"language": "shell", "code": "show running-config\n" * 5}))
    body.append(
        (
            "table",
            {
                "data": [["Model", "Port"], ["R100", "8080"], ["R200", "8443"]],
                "first_row_is_table_header": True,
            },
        )
    )
    article = section.add_child(
        instance=ArticlePage(
            title="Bench long article",
            slug="bench-long-article",
            summary="A long generated article with a table of contents.",
            body=body,
        )
    )
    article.tags.add("bench", "setup")
    article.save_revision().publish()
    tag = Tag.objects.get(name="bench")
    ArticlePageTag.objects.bulk_create(
        ArticlePageTag(content_object=sibling, tag=tag)
        for sibling in ArticlePage.objects.child_of(section).exclude(pk=article.pk)[:40]
    )
    url = article.url
    # The newest generated article the customer may see, as the harness's "article" row.
    plain = (
        ArticlePage.objects.child_of(section)
        .filter(audience.q_for(ctx.user, ArticlePage))
        .exclude(pk=article.pk)
        .order_by("-pk")
        .first()
    )
    return {
        "article (uncached)": f"{plain.url}?nocache=1",
        "long article (uncached)": f"{url}?nocache=1",
        "long article (cached)": url,
        "section (uncached)": f"{section.url}?nocache=1",
        "section (cached)": section.url,
    }
