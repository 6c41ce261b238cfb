from django import template
from django.utils.safestring import mark_safe

from moderation import permissions
from moderation.models import FlagReason

register = template.Library()

# Stands for the post's id in the flag form rendered once per page (13 digits: a URL's int
# converter takes it, and nothing else on the form, the CSRF token included, will contain it).
_POST_ID = "9876543210123"
_FLAG_FORM = "moderation.flag_form"


@register.filter
def is_moderator(user) -> bool:
    """Cheap to repeat on one page: Django caches a user's permissions on the user object."""
    return permissions.is_moderator(user)


@register.simple_tag
def flag_reasons():
    return FlagReason.choices


@register.simple_tag(takes_context=True)
def flag_form(context, post):
    """The flag form under `post`. It is the same under every post but for the post's id, and a
    topic page shows it under nearly every post: it is rendered once per page (with a stand-in
    id) and each post's id put in its place, which costs a small fraction of rendering it again."""
    shapes = context.render_context.dicts[0]  # lives as long as the page's rendering
    shape = shapes.get(_FLAG_FORM)
    if shape is None:
        with context.push(post_id=_POST_ID):
            form = context.template.engine.get_template("moderation/includes/flag_form.html")
            shape = shapes[_FLAG_FORM] = form.render(context)
    return mark_safe(shape.replace(_POST_ID, str(int(post.pk))))  # noqa: S308 (rendered above)
