"""The blocks of an article body. Every block has a template in templates/blocks/ and a plain
text form (`block_text`) for the search index."""

from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

from hub import audience


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[("note", _("Note")), ("warning", _("Warning")), ("tip", _("Tip"))],
        default="note",
        label=_("Kind"),
    )
    text = blocks.RichTextBlock(label=_("Text"))

    class Meta:
        label = _("Callout")
        icon = "warning"
        template = "blocks/callout.html"


class CodeBlock(blocks.StructBlock):
    language = blocks.ChoiceBlock(
        choices=[
            ("text", _("Plain text")),
            ("shell", "Shell"),
            ("python", "Python"),
            ("json", "JSON"),
            ("yaml", "YAML"),
            ("xml", "XML"),
            ("ini", "INI"),
        ],
        default="text",
        label=_("Language"),
    )
    code = blocks.TextBlock(label=_("Code"))

    class Meta:
        label = _("Code")
        icon = "code"
        template = "blocks/code.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        max_length=250,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)

    class Meta:
        label = _("Image")
        icon = "image"
        template = "blocks/image.html"


class VideoBlock(blocks.StructBlock):
    """An embed is fetched from its provider when the page renders (cached in the database);
    when it cannot be fetched the template shows a plain link instead."""

    video = EmbedBlock(label=_("Video address"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)

    class Meta:
        label = _("Video")
        icon = "media"
        template = "blocks/video.html"


def _reader(parent_context):
    """Whose audience a linked document or article is checked against: the person reading,
    or the synthetic person of an editor's "view as" preview."""
    parent_context = parent_context or {}
    if parent_context.get("view_as_user") is not None:
        return parent_context["view_as_user"]
    request = parent_context.get("request")
    return request.user if request is not None else None


class AudienceDocumentBlock(DocumentChooserBlock):
    """A link to a document, shown only to people in the document's audience."""

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        reader = _reader(parent_context)
        context["visible"] = bool(
            value is not None and reader is not None and audience.visible_to(reader, value)
        )
        return context


class RelatedArticleBlock(blocks.PageChooserBlock):
    """A link to another article, shown only to people in that article's audience."""

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        reader = _reader(parent_context)
        context["visible"] = bool(
            value is not None and reader is not None and audience.visible_to(reader, value)
        )
        return context


class BaseStreamBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(
        label=_("Heading"), form_classname="title", template="blocks/heading.html"
    )
    paragraph = blocks.RichTextBlock(label=_("Paragraph"), template="blocks/paragraph.html")
    callout = CalloutBlock()
    code = CodeBlock()
    image = ImageBlock()
    video = VideoBlock()
    table = TableBlock(label=_("Table"), template="blocks/table.html")
    document = AudienceDocumentBlock(label=_("Document"), template="blocks/document.html")
    related_article = RelatedArticleBlock(
        page_type="knowledge.ArticlePage",
        label=_("Related article"),
        template="blocks/related_article.html",
    )


def block_text(block_type: str, value) -> str:
    """Plain text of one block for the search index: never markup, never an embed fetch, and
    nothing of a linked document or article (their audience may differ from this page's)."""
    if value is None:
        return ""
    if block_type == "heading":
        return str(value)
    if block_type == "paragraph":
        return strip_tags(value.source)
    if block_type == "callout":
        return strip_tags(value["text"].source)
    if block_type == "code":
        return value["code"]
    if block_type in ("image", "video"):
        return value.get("caption") or ""
    if block_type == "table":
        rows = value.get("data") or []
        # Cells are text when an editor types them; an import or the API may bring numbers.
        return "\n".join(" ".join(str(cell) for cell in row if cell is not None) for row in rows)
    return ""
