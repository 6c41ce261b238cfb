"""Template tags of the knowledge hub."""

from django import template
from django.utils.safestring import mark_safe

from knowledge import page_cache

register = template.Library()


class SharedFragmentNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        cached = context.get("shared_html")
        if cached is not None:
            return mark_safe(cached)  # noqa: S308 (our own rendering, stored by store_after_render)
        html = self.nodelist.render(context)
        page_cache.remember_shared(context, str(html))
        return html


@register.tag
def shared_fragment(parser, token):
    """The part of a page that is the same for everyone with the same reach: cached by
    knowledge/page_cache.py. Nothing personal (CSRF token, own vote, names) may go inside."""
    nodelist = parser.parse(("endshared_fragment",))
    parser.delete_first_token()
    return SharedFragmentNode(nodelist)
