"""Knowledge hub pages. The foundation has the skeleton: root, sections, articles."""

from django.db import models
from django.db.models import Q
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page

from hub import audience
from hub.models import AudienceMixin
from hub.search.registry import searchable
from knowledge.blocks import BaseStreamBlock


class AudiencePage(AudienceMixin, Page):
    """A page whose audience hub/audience.py enforces wherever it shows (serving: the
    before_serve_page hook in wagtail_hooks.py; lists: `audience.q_for`)."""

    AUDIENCE_LIVE_FIELD = "live"

    promote_panels = Page.promote_panels + AudienceMixin.audience_panels

    class Meta:
        abstract = True


class KnowledgeIndexPage(Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["knowledge.SectionPage"]
    max_count = 1

    class Meta:
        verbose_name = _("knowledge root")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sections"] = (
            SectionPage.objects.child_of(self)
            .filter(audience.q_for(request.user, SectionPage))
            .order_by("path")
        )
        return context


class SectionPage(AudiencePage):
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
        context["articles"] = (
            ArticlePage.objects.child_of(self)
            .filter(audience.q_for(request.user, ArticlePage))
            .order_by("title")
        )
        return context


@searchable("article")
class ArticlePage(AudiencePage):
    summary = models.TextField(_("summary"), blank=True, max_length=500)
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("summary"), FieldPanel("body")]
    parent_page_types = ["knowledge.SectionPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("article")

    @classmethod
    def search_queryset(cls):
        return cls.objects.prefetch_related(*cls.audience_prefetch())

    def body_text(self) -> str:
        parts = []
        for block in self.body:
            value = block.value
            parts.append(strip_tags(value.source if hasattr(value, "source") else str(value)))
        return "\n".join(p for p in parts if p)

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

    def search_document(self) -> dict | None:
        if not self.live:
            return None
        return {
            "title": self.title,
            "excerpt": self.summary,
            "body": self.body_text()[:20000],
            "url": self.url,
            "language": "en",
            **audience.document_fields(self),
            "tags": [],
            "published_at": int(self.first_published_at.timestamp())
            if self.first_published_at
            else None,
            "updated_at": int(self.last_published_at.timestamp())
            if self.last_published_at
            else None,
            "popularity": 0,
        }
