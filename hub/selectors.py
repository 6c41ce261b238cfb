from hub import audience


def dashboard_articles(user, *, limit: int = 8):
    """The newest articles this person may see."""
    from knowledge.models import ArticlePage

    return (
        ArticlePage.objects.filter(audience.q_for(user, ArticlePage))
        .order_by("-first_published_at", "-pk")
        .only("pk", "title", "summary", "url_path", "first_published_at", "path", "depth")[:limit]
    )
