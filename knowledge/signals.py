"""Signal receivers of the knowledge hub (connected from KnowledgeConfig.ready):
the page cache's content version, the cached personal parts (votes, subscriptions), and
subscribers told about published articles."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move

from knowledge import page_cache


def _content_changed(sender, **kwargs):
    action = kwargs.get("action")
    if action is not None and action.startswith("pre_"):
        return
    page_cache.bump_content_version()


def _model_saved_or_deleted(sender, instance, **kwargs):
    from wagtail.images.models import AbstractImage, AbstractRendition
    from wagtail.models import BaseViewRestriction, Collection, Page, Site

    if isinstance(instance, AbstractRendition):
        return
    if isinstance(instance, (Page, AbstractImage, Collection, Site, BaseViewRestriction)):
        page_cache.bump_content_version()
        return
    from knowledge.models import ArticlePageTag, Document

    if isinstance(instance, (Document, ArticlePageTag)):
        page_cache.bump_content_version()


def _personal_changed(sender, instance, **kwargs):
    """A vote or a subscription: the person's cached own parts of pages no longer count."""
    page_cache.forget_personal(instance.user_id)


def _article_published(sender, instance, revision=None, **kwargs):
    from knowledge.models import ArticlePage
    from knowledge.services import notify_subscribers

    if isinstance(instance, ArticlePage):
        notify_subscribers(page=instance, revision=revision)


def connect() -> None:
    from wagtail.models import PageViewRestriction

    from knowledge.models import ArticleFeedback, AudiencePage, Document, Subscription

    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(_content_changed, dispatch_uid=f"knowledge-cache-{id(signal)}")
    post_save.connect(_model_saved_or_deleted, dispatch_uid="knowledge-cache-save")
    post_delete.connect(_model_saved_or_deleted, dispatch_uid="knowledge-cache-delete")
    models = [m for m in AudiencePage.__subclasses__()]
    seen = set()
    while models:
        model = models.pop()
        if model in seen:
            continue
        seen.add(model)
        models.extend(model.__subclasses__())
        if model._meta.abstract:
            continue
        for dim in ("products", "regions", "roles"):
            for prefix in ("effective_", "audience_"):
                through = model._meta.get_field(f"{prefix}{dim}").remote_field.through
                m2m_changed.connect(
                    _content_changed,
                    sender=through,
                    dispatch_uid=f"knowledge-cache-{through._meta.label_lower}",
                )
    m2m_changed.connect(  # who a page's view restriction admits (Wagtail's privacy: groups)
        _content_changed,
        sender=PageViewRestriction.groups.through,
        dispatch_uid="knowledge-cache-view-restriction-groups",
    )
    for dim in ("products", "regions", "roles"):
        through = Document._meta.get_field(f"audience_{dim}").remote_field.through
        m2m_changed.connect(
            _content_changed, sender=through, dispatch_uid=f"knowledge-cache-doc-{dim}"
        )
    page_published.connect(_article_published, dispatch_uid="knowledge-subscribers")
    for model in (ArticleFeedback, Subscription):
        for signal in (post_save, post_delete):
            signal.connect(
                _personal_changed,
                sender=model,
                dispatch_uid=f"knowledge-personal-{model._meta.model_name}-{id(signal)}",
            )
