"""Who may moderate, and who may flag. One check per action (raising), a `can_*` beside it for
templates. A post outside a person's audience does not exist for them: 404, never 403."""

from django.core.exceptions import PermissionDenied

from community import permissions as community_permissions

MODERATE_PERMISSION = "moderation.moderate_community"
MODERATORS_GROUP = "Moderators"


def is_moderator(user) -> bool:
    """Active staff with the "moderate community" permission (the Moderators group has it;
    superusers have every permission)."""
    if not (user and user.is_authenticated and user.is_active and user.is_staff):
        return False
    return user.is_superuser or user.has_perm(MODERATE_PERMISSION)


def check_moderate(user) -> None:
    if not is_moderator(user):
        raise PermissionDenied


def can_flag_post(user, post) -> bool:
    """Anyone who can see a visible post may flag it, except its author."""
    return (
        community_permissions.can_view_post(user, post)
        and user.pk != post.author_id
        and not (post.is_hidden or post.is_deleted)
    )


def check_flag_post(user, post) -> None:
    community_permissions.check_view_post(user, post)
    if not can_flag_post(user, post):
        raise PermissionDenied
