"""Who may post, and how much: restrictions (silence, suspension) and the limits on new members.

Trust is kept simple: a member is *new* (trust level 0) until they have
`MODERATION_TRUSTED_CONTRIBUTIONS` visible posts that were accepted as an answer or voted up
(score above zero); then they are a *member* (level 1). Staff are always trusted. New members
may write `MODERATION_NEW_MEMBER_POSTS` posts (topics and replies) per window and put at most
`MODERATION_NEW_MEMBER_LINKS` links in one post.

The rate is a sliding window of post times kept in the cache (Redis in production): a
member's timestamps under one key that expires with the window. The cache also remembers who is
trusted and each member's active restriction, so that trusted members and every page view pay
no query. The limits apply to web requests (see `new_member_limits`).
"""

import math
import re
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hub import cache as hub_cache
from moderation import conf

TRUST_NEW, TRUST_MEMBER = 0, 1
_TRUSTED_TTL = 3600
_RESTRICTION_TTL = 3600
_NONE = "-"  # cached "no restriction" (None would read as a miss)
_limits_on: ContextVar[bool] = ContextVar("moderation_new_member_limits", default=False)

# Absolute links and images in Markdown or HTML: scheme://, protocol-relative //host, www.host,
# mailto:. Relative links to the portal itself are not counted.
_LINK = re.compile(r"(?i)(?:\b[a-z][a-z0-9+.-]*://|(?<![:\w/])//[^\s/]|\bwww\.|\bmailto:)")


@dataclass(frozen=True)
class ActiveRestriction:
    kind: str  # Restriction.Kind
    reason: str
    ends_at: datetime

    @property
    def is_suspension(self) -> bool:
        return self.kind == "suspend"

    @property
    def is_silence(self) -> bool:
        return self.kind == "silence"

    @property
    def label(self) -> str:
        from moderation.models import Restriction

        return Restriction.Kind(self.kind).label


def _restriction_key(user_id: int) -> str:
    return f"moderation:restriction:{user_id}"


def _rate_key(user_id: int) -> str:
    return f"moderation:posts:{user_id}"


def _trusted_key(user_id: int) -> str:
    return f"moderation:trusted:{user_id}"


def forget(user_id: int) -> None:
    """Drop what the cache remembers about a member (after a restriction changed)."""
    cache.delete_many([_restriction_key(user_id), _trusted_key(user_id)])


@hub_cache.reads_ahead
def _restriction_key_ahead(request, user) -> list[str]:
    return [_restriction_key(user.pk)]


def restriction_of(user) -> ActiveRestriction | None:
    """The member's active restriction (a suspension before a silence), or None. Cached until
    the restriction ends, at most an hour; services forget it when it changes."""
    if not (user and user.is_authenticated):
        return None
    key = _restriction_key(user.pk)
    cached = hub_cache.get_ahead(key)
    now = timezone.now()
    if cached is None:
        from moderation.models import Restriction

        active = list(
            Restriction.objects.filter(
                user_id=user.pk, lifted_at__isnull=True, starts_at__lte=now, ends_at__gt=now
            ).values_list("kind", "reason", "ends_at")
        )
        active.sort(key=lambda row: (row[0] != "suspend", -row[2].timestamp()))
        cached = active[0] if active else _NONE
        ttl = _RESTRICTION_TTL
        if active:
            soonest = min(row[2] for row in active)
            ttl = max(1, min(ttl, int((soonest - now).total_seconds()) + 1))
        cache.set(key, cached, ttl)
    if cached == _NONE:
        return None
    kind, reason, ends_at = cached
    if ends_at <= now:
        cache.delete(key)
        return restriction_of(user)
    return ActiveRestriction(kind, reason, ends_at)


def trust_level(user) -> int:
    if user.is_staff:
        return TRUST_MEMBER
    if cache.get(_trusted_key(user.pk)):
        return TRUST_MEMBER
    from community.models import Post, Topic

    needed = conf.trusted_contributions()
    good = (
        Post.objects.filter(author_id=user.pk, is_hidden=False, is_deleted=False)
        .filter(Q(score__gt=0) | Exists(Topic.objects.filter(accepted_post=OuterRef("pk"))))
        .values("pk")[:needed]
    )
    if len(good) >= needed:
        cache.set(_trusted_key(user.pk), True, _TRUSTED_TTL)
        return TRUST_MEMBER
    return TRUST_NEW


def count_links(source: str) -> int:
    return len(_LINK.findall(source or ""))


def _when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def restriction_message(restriction: ActiveRestriction) -> str:
    if restriction.is_suspension:
        text = _("Your account is suspended until %(until)s. Reason: %(reason)s")
    else:
        text = _("You cannot post until %(until)s. Reason: %(reason)s")
    return text % {"until": _when(restriction.ends_at), "reason": restriction.reason}


def check_posting_allowed(user, source: str = "", *, action: str = "post") -> None:
    """Raise ValidationError when `user` may not write `source` now: a silenced or suspended
    member (a message at the top of the form), or a new member over the link limit or the rate
    limit (keyed "body", so the form shows it beside the text, which stays). `action` is
    "post" for a new topic or reply, "edit" for an edit (edits do not count for the rate)."""
    restriction = restriction_of(user)
    if restriction is not None:
        raise ValidationError(restriction_message(restriction), code="restricted")
    if not _limits_on.get() or trust_level(user) >= TRUST_MEMBER:
        return
    max_links = conf.new_member_links()
    links = count_links(source)
    if links > max_links:
        raise ValidationError(
            {
                "body": ngettext(
                    "New members can put at most %(max)s link in a post; this one has "
                    "%(count)s. Remove some links and post again.",
                    "New members can put at most %(max)s links in a post; this one has "
                    "%(count)s. Remove some links and post again.",
                    max_links,
                )
                % {"max": max_links, "count": links}
            },
            code="links",
        )
    if action == "edit":
        return
    limit, window = conf.new_member_posts()
    now = time.time()
    key = _rate_key(user.pk)
    recent = [t for t in cache.get(key, []) if t > now - window]
    if len(recent) >= limit:
        wait = max(1, math.ceil((min(recent) + window - now) / 60))
        raise ValidationError(
            {
                "body": ngettext(
                    "New members can post %(limit)s times in %(window)s minutes. Your text is "
                    "kept: post it again in about %(wait)s minute.",
                    "New members can post %(limit)s times in %(window)s minutes. Your text is "
                    "kept: post it again in about %(wait)s minutes.",
                    wait,
                )
                % {"limit": limit, "window": window // 60, "wait": wait}
            },
            code="rate",
        )
    # Counted when allowed (an attempt that fails later still counts: rare, and harmless).
    # Two posts at the very same moment may both pass: the limit is a brake, not a lock.
    cache.set(key, [*recent, now], window)


@contextmanager
def new_member_limits():
    """Apply the new-member limits (rate and links) inside this block. The middleware turns
    them on for every web request: they guard the forms and the API, while trusted code
    (seed_demo, imports, management commands) writes without them. Restrictions (silence,
    suspension) apply everywhere."""
    token = _limits_on.set(True)
    try:
        yield
    finally:
        _limits_on.reset(token)
