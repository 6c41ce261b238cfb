"""Moderation: flags on posts, restrictions on members (silence, suspension), merged topics, and
the log of every moderator action. The forum's own models (community) are not changed: hiding,
locking, pinning and deleting use the flags Topic and Post already carry."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FlagReason(models.TextChoices):
    SPAM = "spam", _("Spam")
    OFF_TOPIC = "off_topic", _("Off-topic")
    INAPPROPRIATE = "inappropriate", _("Inappropriate")
    OTHER = "other", _("Something else")


class Flag(models.Model):
    """One person's report of one post. Open until a moderator acts on the post or dismisses
    the flags; a person flags a post once."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACTED = "acted", _("Acted on")
        DISMISSED = "dismissed", _("Dismissed")

    post = models.ForeignKey(
        "community.Post",
        verbose_name=_("post"),
        on_delete=models.CASCADE,
        related_name="moderation_flags",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("flagged by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=20, choices=FlagReason.choices)
    text = models.TextField(_("details"), blank=True, max_length=1000)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("flagged"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="moderation_flag_once"),
        ]
        indexes = [
            models.Index(fields=["post"], condition=Q(status="open"), name="moderation_flag_open"),
        ]
        # The permission that makes a staff member a moderator (see moderation.permissions).
        permissions = [("moderate_community", _("Can moderate the community"))]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} #{self.post_id}"


class Restriction(models.Model):
    """A member silenced (may read, may not post) or suspended (may not sign in) until
    `ends_at`, with a reason the member sees. Lifting early sets `lifted_at`."""

    class Kind(models.TextChoices):
        SILENCE = "silence", _("Silenced")
        SUSPEND = "suspend", _("Suspended")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="moderation_restrictions",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    reason = models.TextField(_("reason"), max_length=1000)
    starts_at = models.DateTimeField(_("from"), default=timezone.now)
    ends_at = models.DateTimeField(_("until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("restriction")
        verbose_name_plural = _("restrictions")
        indexes = [models.Index(fields=["user", "ends_at"], name="moderation_restr_user")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.user_id} → {self.ends_at:%Y-%m-%d %H:%M}"


class TopicMerge(models.Model):
    """A topic merged into another: its old URL redirects to the target."""

    # A one-to-one field, so that the forum's topic selector can drop merged topics with
    # `merged_into__isnull=True` (no import, no extra query); their URL then redirects.
    source = models.OneToOneField(
        "community.Topic",
        verbose_name=_("merged topic"),
        on_delete=models.CASCADE,
        related_name="merged_into",
    )
    target = models.ForeignKey(
        "community.Topic",
        verbose_name=_("merged into"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("merged topic")
        verbose_name_plural = _("merged topics")

    def __str__(self) -> str:
        return f"{self.source_id} → {self.target_id}"


class Action(models.TextChoices):
    FLAG_AUTO_HIDE = "auto_hide", _("Hidden automatically after flags")
    POST_HIDE = "post_hide", _("Post hidden")
    POST_RESTORE = "post_restore", _("Post restored")
    POST_DELETE = "post_delete", _("Post deleted")
    POST_UNDELETE = "post_undelete", _("Post undeleted")
    FLAGS_DISMISS = "flags_dismiss", _("Flags dismissed")
    TOPIC_LOCK = "topic_lock", _("Topic locked")
    TOPIC_UNLOCK = "topic_unlock", _("Topic unlocked")
    TOPIC_PIN = "topic_pin", _("Topic pinned")
    TOPIC_UNPIN = "topic_unpin", _("Topic unpinned")
    TOPIC_MOVE = "topic_move", _("Topic moved")
    TOPIC_MERGE = "topic_merge", _("Topic merged")
    TOPIC_DELETE = "topic_delete", _("Topic deleted")
    TOPIC_UNDELETE = "topic_undelete", _("Topic undeleted")
    MEMBER_SILENCE = "member_silence", _("Member silenced")
    MEMBER_SUSPEND = "member_suspend", _("Member suspended")
    MEMBER_LIFT = "member_lift", _("Restriction lifted")


class ModerationLog(models.Model):
    """Who did what to which post, topic or member, when and why. Written by the service in the
    transaction of the action itself."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderator"),
        null=True,
        blank=True,  # empty: the system (automatic hiding)
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    topic = models.ForeignKey(
        "community.Topic",
        verbose_name=_("topic"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    post = models.ForeignKey(
        "community.Post",
        verbose_name=_("post"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member affected"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True, max_length=1000)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("moderation log entry")
        verbose_name_plural = _("moderation log")
        indexes = [
            models.Index(fields=["member", "-created_at"], name="moderation_log_member"),
            models.Index(fields=["action", "-created_at"], name="moderation_log_action"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.created_at:%Y-%m-%d %H:%M})"
