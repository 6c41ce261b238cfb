"""Reads of the knowledge app that are more than one line."""

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from hub import audience


def article_feedback_for(*, page, user) -> dict:
    """The person's own vote, and for editors the totals (one query each). `page` may be the
    page cache's stand-in (only its pk is read)."""
    from knowledge.models import ArticleFeedback

    result = {"mine": None, "counts": None}
    if not user.is_authenticated:
        return result
    result["mine"] = ArticleFeedback.objects.filter(page_id=page.pk, user=user).first()
    if user.is_staff:
        result["counts"] = ArticleFeedback.objects.filter(page_id=page.pk).aggregate(
            yes=Count("pk", filter=Q(helpful=True)),
            no=Count("pk", filter=Q(helpful=False)),
            with_comment=Count("pk", filter=~Q(comment="")),
        )
    return result


def subscription_state_for(*, page, user) -> dict:
    """Whether the person follows this page (one query)."""
    from knowledge.models import Subscription

    if not user.is_authenticated:
        return {"subscribed": False, "page_id": page.pk}
    subscribed = Subscription.objects.filter(user=user, page_id=page.pk).exists()
    return {"subscribed": subscribed, "page_id": page.pk}


def related_articles(*, page, user, tag_ids, product_ids, limit: int = 5) -> list:
    """Up to `limit` other articles the person may see that share a tag or a product with this
    one (`tag_ids`, `product_ids`: the page's tags and effective products, which the page view
    has read already), most shared tags first, then the same section, then the newest. One
    query, whatever the amount of content: it starts from the articles that share something (a
    few index lookups) and applies the audience to those only, never to every article."""
    from knowledge.models import ArticlePage, ArticlePageTag

    tag_ids, product_ids = sorted(tag_ids), sorted(product_ids)
    if not tag_ids and not product_ids:
        return []
    sharing = ArticlePageTag.objects.filter(tag_id__in=tag_ids).values("content_object_id")
    if product_ids:
        products = ArticlePage.effective_products.through
        sharing = sharing.union(
            products.objects.filter(product_id__in=product_ids).values("articlepage_id")
        )
    shared_tags = (
        ArticlePageTag.objects.filter(content_object_id=OuterRef("pk"), tag_id__in=tag_ids)
        .order_by()
        .values("content_object_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    parent_path = page.path[: -page.steplen]
    return list(
        ArticlePage.objects.filter(pk__in=sharing)
        .filter(audience.q_for(user, ArticlePage))
        .only("title", "summary", "url_path")  # what the list shows and links with
        .exclude(pk=page.pk)
        .annotate(
            shared=Coalesce(Subquery(shared_tags, output_field=IntegerField()), Value(0)),
            same_section=Q(path__startswith=parent_path, depth=page.depth),
        )
        .order_by("-shared", "-same_section", "-last_published_at", "-pk")[:limit]
    )


def subscriptions_of(user):
    """The person's subscriptions to pages they may still see, newest first."""
    from knowledge.models import ArticlePage, SectionPage, Subscription

    visible = Q(
        page_id__in=SectionPage.objects.filter(audience.q_for(user, SectionPage)).values("pk")
    ) | Q(page_id__in=ArticlePage.objects.filter(audience.q_for(user, ArticlePage)).values("pk"))
    return (
        Subscription.objects.filter(user=user)
        .filter(visible)
        .select_related("page", "page__content_type")
        .order_by("-created_at", "-pk")
    )


def image_visible_to(user, image) -> bool:
    """An image may be seen by staff, and by a person who may see some published page (or other
    content with an audience) that uses it, as Wagtail's reference index records. An image no
    visible content uses is for staff only."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page, ReferenceIndex

    from hub.models import AudienceMixin

    if audience.reach_of(user).everything:
        return True
    sources: dict[int, set[str]] = {}
    for content_type_id, object_id in ReferenceIndex.get_references_to(image).values_list(
        "base_content_type_id", "object_id"
    ):
        sources.setdefault(content_type_id, set()).add(object_id)
    page_type = ContentType.objects.get_for_model(Page)
    for content_type_id, ids in sources.items():
        if content_type_id == page_type.pk:
            objects = Page.objects.filter(pk__in=ids, live=True).specific()
        else:
            model = ContentType.objects.get_for_id(content_type_id).model_class()
            if model is None or not issubclass(model, AudienceMixin):
                continue
            objects = model.objects.filter(pk__in=ids)
        for obj in objects:
            if isinstance(obj, AudienceMixin):
                if audience.visible_to(user, obj):
                    return True
            elif isinstance(obj, Page) and obj.live:
                return True
    return False
