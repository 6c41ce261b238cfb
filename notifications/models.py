from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("Right away, one e-mail per notification")
    DAILY = "daily", _("Once a day, in a digest")
    NEVER = "never", _("Never, only here in the portal")


class NotificationSettings(models.Model):
    """How a person wants to hear about things. No row = the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    email_frequency = models.CharField(
        _("e-mail"), max_length=12, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    muted_kinds = models.JSONField(_("no e-mail for"), default=list, blank=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return str(self.user)


class EmailState(models.TextChoices):
    NONE = "none", _("no e-mail")
    PENDING = "pending", _("waiting to be sent")
    DIGEST = "digest", _("waiting for the daily digest")
    SENT = "sent", _("sent")


class Notification(models.Model):
    """Something a person should know about. The row is also the e-mail outbox: a mail that
    must go out waits here (`email_state`) until the mail server took it."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=60)
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("text"), blank=True, max_length=2000)
    url = models.CharField(_("link"), max_length=500)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email_state = models.CharField(
        max_length=8, choices=EmailState.choices, default=EmailState.NONE
    )
    email_attempts = models.PositiveSmallIntegerField(default=0)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(
                fields=["email_state"],
                condition=~models.Q(email_state__in=["none", "sent"]),
                name="notification_outbox",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class OutboxRow(models.Model):
    """A row of an app's notification outbox (community.Announcement, knowledge.SubscriberNotice):
    written in the transaction of the change, delivered after commit by
    `notifications.outbox.deliver_rows` and deleted; a row that failed stays, with its attempts
    and error, for the retry."""

    wagtail_reference_index_ignore = True
    kind = models.CharField(max_length=40)
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["pk"]
