from django import template

from moderation import permissions
from moderation.models import FlagReason

register = template.Library()


@register.filter
def is_moderator(user) -> bool:
    """Cheap to repeat on one page: Django caches a user's permissions on the user object."""
    return permissions.is_moderator(user)


@register.simple_tag
def flag_reasons():
    return FlagReason.choices
