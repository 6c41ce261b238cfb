"""Moderation writes. Each runs in one transaction that also writes its ModerationLog entry,
keeps the topic's counters (replies, last activity, accepted answer) right, puts the topic in
the search outbox, and notifies the member it affects (moderation.action).

Hiding or deleting a topic's opening post hides or deletes the topic with it: a topic page
without its question makes no sense, and the topic selectors already drop hidden topics."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from community.models import Category, Post, Topic
from hub.search.services import search_enqueue
from moderation import conf, trust
from moderation.models import (
    Action,
    Flag,
    FlagReason,
    ModerationLog,
    Restriction,
    TopicMerge,
)

MAX_REASON_LENGTH = 1000
MAX_RESTRICTION_DAYS = 3650


def _clean_reason(reason: str | None, *, required: bool = True) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ValidationError(
            {"reason": _("Give a reason: the member sees it, and it goes in the log.")}
        )
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationError(
            {"reason": _("Keep the reason under %(max)s characters.") % {"max": MAX_REASON_LENGTH}}
        )
    return reason


def _log(*, actor, action: str, topic=None, post=None, member=None, reason="", data=None):
    entry = ModerationLog.objects.create(
        actor=actor,
        action=action,
        topic=topic,
        post=post,
        member=member,
        reason=reason,
        data=data or {},
    )
    _notify(entry)
    return entry


# What the affected member is told, per action (their own notices page has the details).
_NOTICE_TITLES = {
    Action.FLAG_AUTO_HIDE: gettext_noop("Your post is hidden until a moderator reviews it"),
    Action.POST_HIDE: gettext_noop("A moderator hid your post"),
    Action.POST_RESTORE: gettext_noop("A moderator restored your post"),
    Action.POST_DELETE: gettext_noop("A moderator deleted your post"),
    Action.POST_UNDELETE: gettext_noop("A moderator restored your deleted post"),
    Action.TOPIC_LOCK: gettext_noop("A moderator locked your topic"),
    Action.TOPIC_UNLOCK: gettext_noop("A moderator unlocked your topic"),
    Action.TOPIC_MOVE: gettext_noop("A moderator moved your topic"),
    Action.TOPIC_MERGE: gettext_noop("A moderator merged your topic into another"),
    Action.TOPIC_DELETE: gettext_noop("A moderator deleted your topic"),
    Action.TOPIC_UNDELETE: gettext_noop("A moderator restored your topic"),
    Action.MEMBER_SILENCE: gettext_noop("You cannot post for a while"),
    Action.MEMBER_SUSPEND: gettext_noop("Your account is suspended"),
    Action.MEMBER_LIFT: gettext_noop("Your account restriction is lifted"),
}
MEMBER_ACTIONS = tuple(_NOTICE_TITLES)


def _notify(entry: ModerationLog) -> None:
    member = entry.member
    title = _NOTICE_TITLES.get(entry.action)
    if member is None or title is None or (entry.actor and entry.actor.pk == member.pk):
        return
    if entry.action == Action.MEMBER_SUSPEND:
        return  # a suspended member cannot sign in to read it; the sign-in page says why
    try:
        from notifications.services import notify
    except ImportError:  # the notifications app is not there yet
        return
    # The member's own notices page: it shows the reason, and the member may always see it
    # (the post itself may now be hidden from them).
    with translation.override(member.language or None):
        notify(
            [member],
            kind="moderation.action",
            title=_(title),
            url=reverse("moderation:notices"),
            body=entry.reason,
            actor=entry.actor,
        )


# --- counters ---------------------------------------------------------------------------------


def topic_synchronize(*, topic: Topic) -> Topic:
    """Recompute the topic's reply count, last activity and accepted answer from its visible
    posts, save them, and queue the topic for the search index. Call inside the action's
    transaction."""
    visible = Post.objects.filter(topic_id=topic.pk, is_hidden=False, is_deleted=False)
    replies = visible.exclude(pk=topic.first_post_id).aggregate(
        n=Count("pk"), last=Max("created_at")
    )
    last = visible.aggregate(last=Max("created_at"))["last"]
    topic.reply_count = replies["n"]
    topic.last_activity_at = last or topic.created_at
    if topic.accepted_post_id and not visible.filter(pk=topic.accepted_post_id).exists():
        topic.accepted_post = None
    topic.save(update_fields=["reply_count", "last_activity_at", "accepted_post"])
    search_enqueue(topic)
    return topic


def _lock_topic(pk: int) -> Topic:
    return Topic.objects.select_for_update().get(pk=pk)


def _resolve_flags(*, post_ids, by, status=Flag.Status.ACTED) -> int:
    return Flag.objects.filter(post_id__in=list(post_ids), status=Flag.Status.OPEN).update(
        status=status, resolved_by=by, resolved_at=timezone.now()
    )


# --- flags ------------------------------------------------------------------------------------


@transaction.atomic
def flag_create(*, post: Post, user, reason: str, text: str = "") -> Flag:
    """One flag per person and post. Open flags from `MODERATION_AUTO_HIDE_FLAGS` different
    people hide the post (not a staff member's) until a moderator looks at it."""
    if reason not in FlagReason.values:
        raise ValidationError({"reason": _("Choose why you flag this post.")})
    text = (text or "").strip()
    if reason == FlagReason.OTHER and not text:
        raise ValidationError({"text": _("Tell the moderators what is wrong with this post.")})
    if len(text) > 1000:
        raise ValidationError({"text": _("Keep it under 1000 characters.")})
    if post.author_id == user.pk:
        raise ValidationError(_("You cannot flag your own post."))
    if Flag.objects.filter(post=post, user=user).exists():
        raise ValidationError(
            _("You have already flagged this post. The moderators will look at it.")
        )
    try:
        with transaction.atomic():
            flag = Flag.objects.create(post=post, user=user, reason=reason, text=text)
    except IntegrityError:
        raise ValidationError(
            _("You have already flagged this post. The moderators will look at it.")
        ) from None
    threshold = conf.auto_hide_flags()
    if threshold and not (post.is_hidden or post.is_deleted):
        flaggers = Flag.objects.filter(post=post, status=Flag.Status.OPEN).count()
        if flaggers >= threshold and not post.author.is_staff:
            _post_set(
                post=post,
                field="is_hidden",
                value=True,
                by=None,
                action=Action.FLAG_AUTO_HIDE,
                reason=_("Hidden automatically after %(count)s flags.") % {"count": flaggers},
                resolve=False,  # the flags stay in the queue for a moderator's decision
            )
    return flag


@transaction.atomic
def flags_dismiss(*, post: Post, by, reason: str = "") -> int:
    """Close the open flags of a post without acting on it. Returns how many were closed."""
    reason = _clean_reason(reason, required=False)
    count = _resolve_flags(post_ids=[post.pk], by=by, status=Flag.Status.DISMISSED)
    _log(
        actor=by,
        action=Action.FLAGS_DISMISS,
        topic=post.topic,
        post=post,
        reason=reason,
        data={"flags": count},
    )
    return count


# --- posts ------------------------------------------------------------------------------------


def _post_set(*, post: Post, field: str, value: bool, by, action: str, reason: str, resolve=True):
    topic = _lock_topic(post.topic_id)
    post.topic = topic
    Post.objects.filter(pk=post.pk).update(**{field: value})
    setattr(post, field, value)
    data = {}
    is_first = post.pk == topic.first_post_id
    if is_first and getattr(topic, field) != value:
        # The opening post carries its topic with it.
        setattr(topic, field, value)
        topic.save(update_fields=[field])
        data["topic"] = True
    if value and topic.accepted_post_id == post.pk:
        data["was_accepted"] = True
    if not value and topic.accepted_post_id is None and _was_accepted(post):
        topic.accepted_post = post
        topic.save(update_fields=["accepted_post"])
    if resolve and value:
        _resolve_flags(post_ids=[post.pk], by=by)
    topic_synchronize(topic=topic)
    _log(
        actor=by,
        action=action,
        topic=topic,
        post=post,
        member=post.author,
        reason=reason,
        data=data,
    )
    return post


def _was_accepted(post: Post) -> bool:
    """Was the post the accepted answer when it was last hidden or deleted?"""
    last = (
        ModerationLog.objects.filter(
            post=post,
            action__in=[Action.FLAG_AUTO_HIDE, Action.POST_HIDE, Action.POST_DELETE],
        )
        .order_by("-created_at", "-pk")
        .values_list("data", flat=True)
        .first()
    )
    return bool(last and last.get("was_accepted"))


@transaction.atomic
def post_hide(*, post: Post, by, reason: str) -> Post:
    """Hide a post from everyone but staff (its open flags are settled)."""
    reason = _clean_reason(reason)
    if post.is_hidden:
        raise ValidationError(_("This post is already hidden."))
    return _post_set(
        post=post, field="is_hidden", value=True, by=by, action=Action.POST_HIDE, reason=reason
    )


@transaction.atomic
def post_restore(*, post: Post, by, reason: str) -> Post:
    reason = _clean_reason(reason)
    if not post.is_hidden:
        raise ValidationError(_("This post is not hidden."))
    return _post_set(
        post=post, field="is_hidden", value=False, by=by, action=Action.POST_RESTORE, reason=reason
    )


@transaction.atomic
def post_delete(*, post: Post, by, reason: str) -> Post:
    """Delete a post (softly: staff can still see and undelete it)."""
    reason = _clean_reason(reason)
    if post.is_deleted:
        raise ValidationError(_("This post is already deleted."))
    return _post_set(
        post=post, field="is_deleted", value=True, by=by, action=Action.POST_DELETE, reason=reason
    )


@transaction.atomic
def post_undelete(*, post: Post, by, reason: str) -> Post:
    reason = _clean_reason(reason)
    if not post.is_deleted:
        raise ValidationError(_("This post is not deleted."))
    return _post_set(
        post=post,
        field="is_deleted",
        value=False,
        by=by,
        action=Action.POST_UNDELETE,
        reason=reason,
    )


# --- topics -----------------------------------------------------------------------------------


def _topic_flag(*, topic: Topic, field: str, value: bool, by, action: str, reason: str) -> Topic:
    topic = _lock_topic(topic.pk)
    if getattr(topic, field) == value:
        raise ValidationError(_("Nothing to change: the topic is already like that."))
    setattr(topic, field, value)
    topic.save(update_fields=[field])  # the search registry's signal queues the topic
    if field == "is_deleted" and value:
        _resolve_flags(
            post_ids=Post.objects.filter(topic=topic).values_list("pk", flat=True), by=by
        )
    if field == "is_deleted" and topic.first_post_id:
        # The opening post follows its topic (see _post_set), so that undeleting is symmetric.
        Post.objects.filter(pk=topic.first_post_id).update(is_deleted=value)
        topic_synchronize(topic=topic)
    _log(actor=by, action=action, topic=topic, member=topic.author, reason=reason)
    return topic


@transaction.atomic
def topic_lock(*, topic: Topic, by, reason: str) -> Topic:
    reason = _clean_reason(reason)
    return _topic_flag(
        topic=topic, field="is_locked", value=True, by=by, action=Action.TOPIC_LOCK, reason=reason
    )


@transaction.atomic
def topic_unlock(*, topic: Topic, by, reason: str) -> Topic:
    reason = _clean_reason(reason)
    return _topic_flag(
        topic=topic,
        field="is_locked",
        value=False,
        by=by,
        action=Action.TOPIC_UNLOCK,
        reason=reason,
    )


@transaction.atomic
def topic_pin(*, topic: Topic, by, reason: str = "") -> Topic:
    reason = _clean_reason(reason, required=False)
    return _topic_flag(
        topic=topic, field="is_pinned", value=True, by=by, action=Action.TOPIC_PIN, reason=reason
    )


@transaction.atomic
def topic_unpin(*, topic: Topic, by, reason: str = "") -> Topic:
    reason = _clean_reason(reason, required=False)
    return _topic_flag(
        topic=topic,
        field="is_pinned",
        value=False,
        by=by,
        action=Action.TOPIC_UNPIN,
        reason=reason,
    )


@transaction.atomic
def topic_delete(*, topic: Topic, by, reason: str) -> Topic:
    """Delete a topic softly (staff can still see and undelete it); its flags are settled."""
    reason = _clean_reason(reason)
    return _topic_flag(
        topic=topic,
        field="is_deleted",
        value=True,
        by=by,
        action=Action.TOPIC_DELETE,
        reason=reason,
    )


@transaction.atomic
def topic_undelete(*, topic: Topic, by, reason: str) -> Topic:
    reason = _clean_reason(reason)
    if TopicMerge.objects.filter(source_id=topic.pk).exists():
        raise ValidationError(_("A merged topic cannot be restored; its posts live on elsewhere."))
    return _topic_flag(
        topic=topic,
        field="is_deleted",
        value=False,
        by=by,
        action=Action.TOPIC_UNDELETE,
        reason=reason,
    )


@transaction.atomic
def topic_move(*, topic: Topic, category: Category, by, reason: str) -> Topic:
    """Move a topic to another category; its search document takes the new audience."""
    reason = _clean_reason(reason)
    topic = _lock_topic(topic.pk)
    if category.pk == topic.category_id:
        raise ValidationError({"category": _("The topic is already in this category.")})
    old = topic.category
    topic.category = category
    topic.save(update_fields=["category"])  # the search registry's signal queues the topic
    _log(
        actor=by,
        action=Action.TOPIC_MOVE,
        topic=topic,
        member=topic.author,
        reason=reason,
        data={"from": old.name, "from_id": old.pk, "to": category.name, "to_id": category.pk},
    )
    return topic


@transaction.atomic
def topic_merge(*, topic: Topic, into: Topic, by, reason: str) -> Topic:
    """Move every post of `topic` into `into` (in time order, so the old question becomes a
    reply), delete `topic` softly and send its URL on to `into`. Both topics' counters are
    recomputed and both reach the search index. Returns `into`."""
    reason = _clean_reason(reason)
    if topic.pk == into.pk:
        raise ValidationError({"target": _("A topic cannot be merged into itself.")})
    first, second = sorted([topic.pk, into.pk])
    locked = {t.pk: t for t in Topic.objects.select_for_update().filter(pk__in=[first, second])}
    source, target = locked[topic.pk], locked[into.pk]
    if source.is_deleted or target.is_deleted:
        raise ValidationError({"target": _("Deleted topics cannot be merged.")})
    moved = Post.objects.filter(topic=source).update(topic=target)
    if target.accepted_post_id is None and source.accepted_post_id is not None:
        target.accepted_post_id = source.accepted_post_id
        target.save(update_fields=["accepted_post"])
    source.is_deleted = True
    source.accepted_post = None
    source.first_post = None
    source.reply_count = 0
    source.save(update_fields=["is_deleted", "accepted_post", "first_post", "reply_count"])
    TopicMerge.objects.filter(target=source).update(target=target)  # earlier merges follow
    TopicMerge.objects.create(source=source, target=target)
    topic_synchronize(topic=target)
    _log(
        actor=by,
        action=Action.TOPIC_MERGE,
        topic=target,
        member=source.author,
        reason=reason,
        data={"from": source.title, "from_id": source.pk, "posts": moved},
    )
    return target


# --- members ----------------------------------------------------------------------------------


@transaction.atomic
def member_restrict(*, member, kind: str, days: int, by, reason: str) -> Restriction:
    """Silence (no posting) or suspend (no signing in) a member for `days` days, with a reason
    the member sees. A suspension ends the member's sessions after commit."""
    reason = _clean_reason(reason)
    if kind not in Restriction.Kind.values:
        raise ValidationError(_("Choose silence or suspension."))
    if not isinstance(days, int) or not 1 <= days <= MAX_RESTRICTION_DAYS:
        raise ValidationError(
            {"days": _("Choose between 1 and %(max)s days.") % {"max": MAX_RESTRICTION_DAYS}}
        )
    if member.is_staff:
        raise ValidationError(_("Staff accounts cannot be silenced or suspended here."))
    now = timezone.now()
    restriction = Restriction.objects.create(
        user=member,
        kind=kind,
        reason=reason,
        starts_at=now,
        ends_at=now + timedelta(days=days),
        created_by=by,
    )
    _log(
        actor=by,
        action=Action.MEMBER_SILENCE if kind == Restriction.Kind.SILENCE else Action.MEMBER_SUSPEND,
        member=member,
        reason=reason,
        data={"until": restriction.ends_at.isoformat(), "days": days},
    )
    trust.forget(member.pk)
    transaction.on_commit(lambda: trust.forget(member.pk))
    if kind == Restriction.Kind.SUSPEND:
        transaction.on_commit(lambda: end_sessions(member))
    return restriction


@transaction.atomic
def member_lift(*, restriction: Restriction, by, reason: str) -> Restriction:
    reason = _clean_reason(reason)
    restriction = Restriction.objects.select_for_update().get(pk=restriction.pk)
    if restriction.lifted_at is not None or restriction.ends_at <= timezone.now():
        raise ValidationError(_("This restriction has already ended."))
    restriction.lifted_at = timezone.now()
    restriction.save(update_fields=["lifted_at"])
    _log(
        actor=by,
        action=Action.MEMBER_LIFT,
        member=restriction.user,
        reason=reason,
        data={"kind": restriction.kind},
    )
    member_id = restriction.user_id
    trust.forget(member_id)
    transaction.on_commit(lambda: trust.forget(member_id))
    return restriction


def end_sessions(member) -> None:
    """End every session of the member (allauth's user sessions); the middleware refuses any
    that slips through."""
    from allauth.usersessions.models import UserSession

    for session in UserSession.objects.purge_and_list(member):
        session.end()


def excerpt(post: Post) -> str:
    return Truncator(post.text).chars(160)
