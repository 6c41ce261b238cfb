from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class BaseStreamBlock(blocks.StreamBlock):
    """The blocks of an article body (the knowledge issue adds callouts, code, media, tables)."""

    heading = blocks.CharBlock(
        label=_("Heading"), form_classname="title", template="blocks/heading.html"
    )
    paragraph = blocks.RichTextBlock(label=_("Paragraph"))
