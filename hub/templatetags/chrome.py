"""Template tags of the page chrome (templates/base.html): the header, the navigation and the
footer around every page cost more to render than many a page's own content, and they are the
same on every page a person opens. So they are rendered once and repeated."""

import threading
from collections import OrderedDict

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.template.loader_tags import IncludeNode, do_include
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from hub.context_processors import csrf_hole

register = template.Library()


class IncludeOnceNode(IncludeNode):
    """An include whose output is rendered once per page and repeated where it occurs again."""

    def render(self, context):
        key = (IncludeOnceNode, self.template.token)
        rendered = context.render_context.get(key)
        if rendered is None:
            rendered = super().render(context)
            context.render_context[key] = rendered
        return rendered


@register.tag
def include_once(parser, token):
    """`{% include_once "includes/nav.html" %}`: like `{% include %}`, but a second occurrence
    on the same page repeats the first one's output instead of rendering it again (the header
    shows the navigation twice, as the narrow menu and as the wide bar: the same links, count
    and CSRF token). Only for includes that read nothing that differs between occurrences."""
    node = do_include(parser, token)
    return IncludeOnceNode(
        node.template, extra_context=node.extra_context, isolated_context=node.isolated_context
    )


# --- chrome fragments ---------------------------------------------------------------------------

FRAGMENTS_KEPT = 2000  # a few KB each: the header of the people a process serves, per language
_NO_CSRF = "NOTPROVIDED"  # what django.template.context_processors.csrf gives without a token


class _Fragments:
    """Rendered fragments by (name, language, settings that shape URLs, varied-on values),
    least recently used dropped first. Process-local: nothing in it is ever shared between
    processes, and a change of settings (tests) empties it."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            html = self._items.get(key)
            if html is not None:
                self._items.move_to_end(key)
            return html

    def put(self, key, html: str) -> None:
        with self._lock:
            self._items[key] = html
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_fragments = _Fragments(FRAGMENTS_KEPT)


def _forget_fragments(**kwargs) -> None:
    _fragments.clear()


setting_changed.connect(_forget_fragments, dispatch_uid="hub-chrome-fragments")


class ChromeFragmentNode(template.Node):
    def __init__(self, name: str, vary_on: list, nodelist):
        self.name = name
        self.vary_on = vary_on
        self.nodelist = nodelist

    def render(self, context):
        if settings.DEBUG or context.get("csrf_token") is None:
            return self.nodelist.render(context)  # templates edited live; no request to serve
        key = (
            self.name,
            get_language(),
            settings.ROOT_URLCONF,
            *(value.resolve(context) for value in self.vary_on),
        )
        html = _fragments.get(key)
        if html is None:
            with context.push(csrf_token=csrf_hole()):
                html = str(self.nodelist.render(context))
            _fragments.put(key, html)
        if csrf_hole() not in html:
            return mark_safe(html)  # noqa: S308 (our own rendering)
        csrf_token = str(context["csrf_token"])
        if csrf_token == _NO_CSRF:  # no CSRF protection here: {% csrf_token %} renders nothing
            return self.nodelist.render(context)
        return mark_safe(html.replace(csrf_hole(), csrf_token))  # noqa: S308 (our own rendering)


@register.tag
def chrome_fragment(parser, token):
    """`{% chrome_fragment "header" user.pk notifications_unread %}…{% endchrome_fragment %}`:
    rendered once per process for each language and each combination of the values after the
    name, then repeated from memory (with the request's own CSRF token put in each time).

    For the page chrome only: what is inside may read the language, the settings (URLs, static
    files, the portal's name), the CSRF token and the values listed — nothing else that could
    differ between two requests with the same values (no other person's data, no CSP nonce,
    no query string). Whatever else it reads must be listed, or it is shown stale."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("chrome_fragment needs a name")
    name = bits[1].strip("\"'")
    vary_on = [parser.compile_filter(bit) for bit in bits[2:]]
    nodelist = parser.parse(("endchrome_fragment",))
    parser.delete_first_token()
    return ChromeFragmentNode(name, vary_on, nodelist)


@register.filter
def breadcrumb_trail(page):
    """The page's ancestors below Wagtail's root (the links of a breadcrumb), read with only
    what a link shows."""
    return page.get_ancestors().only("title", "url_path")[1:]
