"""Knowledge hub pages: root → sections (nested) → articles; news; the document library.

Audience: every page below the root is an `AudiencePage`. Editors tag a page's own audience
(`audience_*`); the rule (hub/audience.py) reads the *effective* audience (`effective_*`), which
is the page's own set narrowed by its section, kept stored by `page_audience_sync` (services.py)
whenever a page is saved or moved. See `effective_audience_of` for the rule.
"""

from functools import reduce
from operator import or_

from django.conf import settings
from django.core.paginator import Paginator
from django.db import models
from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel
from wagtail.documents import get_document_model
from wagtail.documents.models import AbstractDocument
from wagtail.documents.models import Document as WagtailDocument
from wagtail.fields import StreamField
from wagtail.models import Collection, Page

from hub import audience
from hub.models import Audience, AudienceMixin, Product, Region, Role
from hub.search.registry import searchable
from knowledge import page_cache, personal
from knowledge.blocks import BaseStreamBlock, block_text
from knowledge.forms import AudiencePageForm
from knowledge.storage import private_document_storage
from notifications.models import OutboxRow

PER_PAGE = 20


def _timestamp(value) -> int | None:
    return int(value.timestamp()) if value else None


class AudiencePage(AudienceMixin, Page):
    """A page whose audience hub/audience.py enforces wherever it shows (serving: the
    before_serve_page hook in wagtail_hooks.py; lists: `audience.q_for`)."""

    AUDIENCE_LIVE_FIELD = "live"
    AUDIENCE_FIELD_PREFIX = "effective_"

    base_form_class = AudiencePageForm

    # Derived from the tagged audience and the section's (services.page_audience_sync); not
    # edited, not part of revisions.
    effective_products = models.ManyToManyField(
        Product, blank=True, editable=False, related_name="+", verbose_name=_("products")
    )
    effective_regions = models.ManyToManyField(
        Region, blank=True, editable=False, related_name="+", verbose_name=_("regions")
    )
    effective_roles = models.ManyToManyField(
        Role, blank=True, editable=False, related_name="+", verbose_name=_("roles")
    )

    class Meta:
        abstract = True

    def audience(self) -> Audience:
        """The effective audience, in one query (a page view reads it for every page it
        serves), or from prefetched relations when they are there, or as kept for serving."""
        kept = self.kept_for_serving()
        if kept is not None:
            return kept[0]
        names = self.audience_prefetch()
        prefetched = getattr(self, "_prefetched_objects_cache", {})
        if all(name in prefetched for name in names) or self.pk is None:
            return super().audience()
        parts = []
        for index, name in enumerate(names):
            field = self._meta.get_field(name)
            parts.append(
                field.remote_field.through.objects.filter(**{field.m2m_field_name(): self.pk})
                .annotate(dimension=Value(index))
                .values_list("dimension", f"{field.m2m_reverse_field_name()}_id")
            )
        found: dict[int, set[int]] = {0: set(), 1: set(), 2: set()}
        for dimension, pk in parts[0].union(*parts[1:], all=True):
            found[dimension].add(pk)
        return Audience(
            products=frozenset(found[0]), regions=frozenset(found[1]), roles=frozenset(found[2])
        )

    def get_view_restrictions(self):
        """Wagtail's view restrictions on this page and its ancestors (a query set), or as kept
        for serving (a list)."""
        kept = self.kept_for_serving()
        if kept is not None:
            return kept[1]
        return super().get_view_restrictions()

    def keep_for_serving(self, kept: tuple | None = None) -> None:
        """Read once what serving this page checks (its effective audience, and Wagtail's view
        restrictions on it and its ancestors) and keep it on this instance for the rest of its
        life; or keep `kept`, as the page cache's route entry knew it. Only on the copy of a page
        that one request serves: the checks, the related articles and the page cache read it
        again (knowledge/wagtail_hooks.py, knowledge/page_cache.py)."""
        if kept is None:
            if self.kept_for_serving() is not None:
                return
            kept = (self.audience(), list(super().get_view_restrictions()))
        self.__dict__["_kept_for_serving"] = kept

    def kept_for_serving(self) -> tuple | None:
        """(audience, view restrictions) as kept for serving, or None."""
        return self.__dict__.get("_kept_for_serving")

    def save(self, *args, **kwargs):
        # Keeping the derived audience in step is part of storing the page, on every path that
        # stores it (editor, publish from a revision, scripts); drafts do not touch it.
        result = super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is None or any(f.startswith("audience_") for f in update_fields):
            from knowledge.services import page_audience_sync

            page_audience_sync(page=self)
        return result


def _audience_promote_panels():
    from knowledge.panels import EffectiveAudiencePanel

    return Page.promote_panels + AudienceMixin.audience_panels + [EffectiveAudiencePanel()]


class KnowledgeIndexPage(Page):
    page_cache_kind = "index"

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = [
        "knowledge.SectionPage",
        "knowledge.NewsIndexPage",
        "knowledge.DocumentLibraryPage",
        # Training and events (learning/) live under the knowledge root too.
        "learning.CourseIndexPage",
        "learning.EventIndexPage",
    ]
    max_count = 1

    class Meta:
        verbose_name = _("knowledge root")

    def route(self, request, path_components):
        """The whole path in one lookup (by `url_path`, which Wagtail keeps in step on moves
        and slug changes) instead of one query per segment, or none while the page cache's
        route entry for the path counts (knowledge/page_cache.py). Falls back to Wagtail's walk
        for a page type with a route of its own, and for paths that match no page."""
        if path_components:
            url_path = self.url_path + "/".join(path_components) + "/"
            page = page_cache.routed_page(request, url_path)
            if page is None:
                page = self._page_at(url_path, slug=path_components[-1])
                if page is not None:
                    page_cache.remember_route(request, url_path, page)
            if page is not None:
                return page.route(request, [])
        return super().route(request, path_components)

    def _page_at(self, url_path: str, *, slug: str):
        """The specific page at `url_path` below this root, when its type routes the plain way."""
        found = (
            # by slug first: it is indexed, url_path is not
            Page.objects.filter(slug=slug, url_path=url_path, path__startswith=self.path)
            .values_list("pk", "content_type_id")
            .first()
        )
        if found is None:
            return None
        from django.contrib.contenttypes.models import ContentType

        model = ContentType.objects.get_for_id(found[1]).model_class()
        if model is None or model.route is not Page.route:
            return None
        return model.objects.filter(pk=found[0]).first()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Sections, the news, the document library, training and events as cards, in one query.
        from learning.models import CourseIndexPage, EventIndexPage

        kinds = (SectionPage, NewsIndexPage, DocumentLibraryPage, CourseIndexPage, EventIndexPage)
        visible = reduce(
            or_,
            (
                Q(pk__in=model.objects.filter(audience.q_for(request.user, model)).values("pk"))
                for model in kinds
            ),
        )
        intro = Coalesce(
            *(Subquery(model.objects.filter(pk=OuterRef("pk")).values("intro")) for model in kinds)
        )
        context["sections"] = (
            Page.objects.child_of(self).filter(visible).annotate(intro=intro).order_by("path")
        )
        return context


class SectionPage(AudiencePage):
    page_cache_kind = "section"

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["knowledge.KnowledgeIndexPage", "knowledge.SectionPage"]
    subpage_types = ["knowledge.SectionPage", "knowledge.ArticlePage"]

    class Meta:
        verbose_name = _("section")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["subsections"] = (
            SectionPage.objects.child_of(self)
            .filter(audience.q_for(request.user, SectionPage))
            .order_by("path")
        )
        articles = (
            ArticlePage.objects.child_of(self)
            .filter(audience.q_for(request.user, ArticlePage))
            .order_by("title", "pk")
        )
        context["articles"] = Paginator(articles, PER_PAGE).get_page(request.GET.get("page"))
        context.update(personal.context_for(self, request))
        return context


class ArticlePageTag(TaggedItemBase):
    content_object = ParentalKey(
        "knowledge.ArticlePage", related_name="tagged_items", on_delete=models.CASCADE
    )


def content_language_field():
    """The language content is written in: the search index tokenises its text with that
    language's rules, and templates mark it (`lang`) so that screen readers pronounce it."""
    return models.CharField(
        _("content language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("The language this is written in (search and screen readers use it)."),
    )


class SearchablePage(AudiencePage):
    """The search protocol shared by the page types with content (hub/search/registry.py)."""

    language = content_language_field()

    class Meta:
        abstract = True

    @classmethod
    def search_queryset(cls):
        return cls.objects.prefetch_related(*cls.audience_prefetch())

    def body_text(self) -> str:
        return "\n".join(t for t in (block_text(b.block_type, b.value) for b in self.body) if t)

    @classmethod
    def search_fallback(cls, user, query: str):
        """The database search used while Meilisearch is unreachable."""
        return (
            cls.objects.filter(audience.q_for(user, cls))
            .filter(Q(title__icontains=query) | Q(summary__icontains=query))
            .order_by("-first_published_at", "pk")
        )

    def search_hit(self) -> dict:
        return {"title": self.title, "url": self.url, "excerpt": self.summary}

    def search_tags(self) -> list[str]:
        return []

    def search_document(self) -> dict | None:
        if not self.live:
            return None
        return {
            "title": self.title,
            "excerpt": self.summary,
            "body": self.body_text()[:20000],
            "url": self.url,
            "language": self.language,
            **audience.document_fields(self),
            "tags": self.search_tags(),
            "published_at": _timestamp(self.first_published_at),
            "updated_at": _timestamp(self.last_published_at),
            "popularity": 0,
        }


TOC_MIN_HEADINGS = 3
RELATED_MAX = 5


def heading_anchors(body) -> dict[str, str]:
    """A stable id for every heading block (by block id): the slug of its text, numbered when
    the same text comes again."""
    anchors: dict[str, str] = {}
    seen: dict[str, int] = {}
    for block in body:
        if block.block_type != "heading":
            continue
        base = slugify(str(block.value))[:60] or "section"
        seen[base] = seen.get(base, 0) + 1
        anchors[block.id] = base if seen[base] == 1 else f"{base}-{seen[base]}"
    return anchors


@searchable("article")
class ArticlePage(SearchablePage):
    page_cache_kind = "article"

    summary = models.TextField(_("summary"), blank=True, max_length=500)
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("body"))
    last_reviewed = models.DateField(
        _("last reviewed"),
        null=True,
        blank=True,
        help_text=_("When an expert last checked that this article is still right."),
    )
    tags = ClusterTaggableManager(through=ArticlePageTag, blank=True, verbose_name=_("tags"))

    content_panels = Page.content_panels + [
        FieldPanel("language"),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("last_reviewed"),
        FieldPanel("tags"),
    ]
    parent_page_types = ["knowledge.SectionPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("article")

    @classmethod
    def search_queryset(cls):
        return super().search_queryset().prefetch_related("tagged_items__tag")

    def search_tags(self) -> list[str]:
        if "tagged_items" in getattr(self, "_prefetched_objects_cache", {}):
            return sorted(item.tag.name for item in self.tagged_items.all())
        return sorted(tag.name for tag in self.tags.all())

    def get_context(self, request, *args, **kwargs):
        from knowledge import selectors

        context = super().get_context(request, *args, **kwargs)
        tags = list(self.tags.all())
        context["tag_names"] = sorted(tag.name for tag in tags)
        anchors = heading_anchors(self.body)
        context["body_blocks"] = [(block, anchors.get(block.id)) for block in self.body]
        if len(anchors) >= TOC_MIN_HEADINGS:
            context["toc"] = [
                (anchors[block.id], str(block.value)) for block in self.body if block.id in anchors
            ]
        context["related"] = selectors.related_articles(
            page=self,
            user=request.user,
            tag_ids=[tag.pk for tag in tags],
            product_ids=self.audience().products,
        )
        context.update(personal.context_for(self, request))
        return context


class ArticleFeedback(models.Model):
    """One reader's "was this helpful?" on one article; changeable (services.py)."""

    page = models.ForeignKey(ArticlePage, on_delete=models.CASCADE, related_name="feedback")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    helpful = models.BooleanField(_("helpful"))
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("article feedback")
        verbose_name_plural = _("article feedback")
        constraints = [
            models.UniqueConstraint(fields=["page", "user"], name="knowledge_feedback_once")
        ]

    def __str__(self) -> str:
        return f"{self.page_id}/{self.user_id}: {'yes' if self.helpful else 'no'}"


class Subscription(models.Model):
    """A person follows a section (new articles in it or below it) or an article (updates)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="knowledge_subscriptions"
    )
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.UniqueConstraint(fields=["user", "page"], name="knowledge_subscription_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.page_id}"


class SubscriberNotice(OutboxRow):
    """An outbox row: followers are to be told that an article was published or updated, or
    that an import added and changed articles in a section. Written in the publishing
    transaction; `knowledge.tasks` tells the people after commit and deletes it. It keeps what
    the notifications are built from (the kind, the page, for an import the pages), not a
    title, so that each person reads it in their own language and only what they may see then.
    A row that failed stays, with its attempts and error, for the retry (beat)."""

    # The article (published, updated), or the section an import went into.
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # An import: the articles it published for the first time, and those it changed.
    added_page_ids = models.JSONField(default=list, blank=True)
    updated_page_ids = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.page_id}"


# --- News ------------------------------------------------------------------------------------


class NewsIndexPage(AudiencePage):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["knowledge.KnowledgeIndexPage"]
    subpage_types = ["knowledge.NewsPage"]

    class Meta:
        verbose_name = _("news index")

    def get_context(self, request, *args, **kwargs):
        from knowledge import feeds

        context = super().get_context(request, *args, **kwargs)
        items = (
            NewsPage.objects.child_of(self)
            .filter(audience.q_for(request.user, NewsPage))
            .select_related("image")
            .order_by("-date", "-pk")
        )
        context["news"] = Paginator(items, PER_PAGE).get_page(request.GET.get("page"))
        context["feed_url"] = feeds.feed_url_for(request.user)
        return context


@searchable("news")
class NewsPage(SearchablePage):
    date = models.DateField(_("date"))
    summary = models.TextField(_("summary"), blank=True, max_length=500)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [
        FieldPanel("language"),
        FieldPanel("date"),
        FieldPanel("summary"),
        FieldPanel("image"),
        FieldPanel("body"),
    ]
    parent_page_types = ["knowledge.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news")


# --- Documents -------------------------------------------------------------------------------


@searchable("document")
class Document(AudienceMixin, AbstractDocument, ClusterableModel):
    """A Wagtail document with an audience. Its file lives in a storage with no URL; it is
    downloaded only through Wagtail's serve view, where the audience hook runs."""

    file = models.FileField(
        upload_to="documents", storage=private_document_storage, verbose_name=_("file")
    )
    description = models.TextField(_("description"), blank=True, max_length=1000)
    language = content_language_field()
    # Wagtail's own document model stays installed: these two need reverse names of their own.
    uploaded_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by user"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="knowledge_documents",
    )
    uploaded_by_user.wagtail_reference_index_ignore = True
    tags = TaggableManager(
        help_text=None, blank=True, verbose_name=_("tags"), related_name="knowledge_documents"
    )

    admin_form_fields = WagtailDocument.admin_form_fields + (
        "description",
        "language",
        "audience_products",
        "audience_regions",
        "audience_roles",
    )

    class Meta(AbstractDocument.Meta):
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    @classmethod
    def search_queryset(cls):
        return cls.objects.prefetch_related(*cls.audience_prefetch())

    @classmethod
    def search_fallback(cls, user, query: str):
        return (
            cls.objects.filter(audience.q_for(user, cls))
            .filter(Q(title__icontains=query) | Q(description__icontains=query))
            .order_by("-created_at", "pk")
        )

    def search_hit(self) -> dict:
        return {"title": self.title, "url": self.url, "excerpt": self.description}

    def search_document(self) -> dict | None:
        return {
            "title": self.title,
            "excerpt": self.description,
            "body": self.description,
            "url": self.url,
            "language": self.language,
            **audience.document_fields(self),
            "tags": [],
            "published_at": _timestamp(self.created_at),
            "updated_at": _timestamp(self.created_at),
            "popularity": 0,
        }


class DocumentLibraryPage(AudiencePage):
    """Lists the documents the reader may download, by collection, a page at a time."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["knowledge.KnowledgeIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("document library")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        model = get_document_model()
        documents = model.objects.filter(audience.q_for(request.user, model))
        collections = list(
            Collection.objects.filter(
                pk__in=documents.values("collection_id"), depth__gt=1
            ).order_by("path")
        )
        try:
            chosen = int(request.GET.get("collection", ""))
        except ValueError:
            chosen = None
        if chosen is not None and chosen in {c.pk for c in collections}:
            documents = documents.filter(collection_id=chosen)
        else:
            chosen = None
        context["collections"] = collections
        context["chosen_collection"] = chosen
        context["collection_query"] = f"collection={chosen}" if chosen else ""
        context["documents"] = Paginator(
            documents.select_related("collection").order_by("title", "pk"), PER_PAGE
        ).get_page(request.GET.get("page"))
        return context


for _model in (SectionPage, ArticlePage, NewsIndexPage, NewsPage, DocumentLibraryPage):
    _model.promote_panels = _audience_promote_panels()
