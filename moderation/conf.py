"""The knobs of moderation, each overridable in settings (defaults here, so that the shared
settings module stays small)."""

from django.conf import settings


def _get(name: str, default):
    return getattr(settings, name, default)


def auto_hide_flags() -> int:
    """Open flags from this many different people hide a post until a moderator looks at it
    (0 turns automatic hiding off)."""
    return _get("MODERATION_AUTO_HIDE_FLAGS", 3)


def trusted_contributions() -> int:
    """Accepted answers or positively voted posts a member needs to leave the new-member
    limits behind."""
    return _get("MODERATION_TRUSTED_CONTRIBUTIONS", 3)


def new_member_posts() -> tuple[int, int]:
    """(posts, seconds): how many topics and replies a new member may write in that window."""
    return _get("MODERATION_NEW_MEMBER_POSTS", (3, 600))


def new_member_links() -> int:
    """Links (and images) a new member may put in one post."""
    return _get("MODERATION_NEW_MEMBER_LINKS", 2)
