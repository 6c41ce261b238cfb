"""Support requests: a customer's question to the company's support, its thread of messages
(the customer's and staff's), and the files attached to them."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from support.storage import private_support_storage


class Status(models.TextChoices):
    OPEN = "open", pgettext_lazy("support status", "Open")
    WAITING = "waiting", pgettext_lazy("support status", "Waiting for customer")
    ANSWERED = "answered", pgettext_lazy("support status", "Answered")
    CLOSED = "closed", pgettext_lazy("support status", "Closed")


class SupportRequest(models.Model):
    """One request. `organisation` is the requester's organisation when it was opened (the
    admin contact sees the organisation's requests); `last_activity_at` orders the lists."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_requests",
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requester"),
        on_delete=models.PROTECT,
        related_name="support_requests",
    )
    subject = models.CharField(_("subject"), max_length=200)
    product = models.ForeignKey(
        "hub.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("opened"), default=timezone.now)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    message_count = models.PositiveIntegerField(_("messages"), default=0)

    class Meta:
        ordering = ["-last_activity_at", "-pk"]
        verbose_name = _("support request")
        verbose_name_plural = _("support requests")
        indexes = [
            models.Index(fields=["requester", "-last_activity_at"], name="support_by_requester"),
            models.Index(fields=["organisation", "-last_activity_at"], name="support_by_org"),
            models.Index(fields=["status", "-last_activity_at"], name="support_by_status"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("support:detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status == Status.CLOSED


class SupportMessage(models.Model):
    """One message in a request's thread: the description (the first), a reply, or a status
    change (`new_status`, possibly with no text). A customer's message is mailed to the support
    address; `notified_at` stays empty until that mail has gone (the row is its own outbox)."""

    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="support_messages",
    )
    from_staff = models.BooleanField(_("from staff"), default=False)
    body = models.TextField(_("message"), blank=True, max_length=20000)
    new_status = models.CharField(
        _("status changed to"), max_length=20, choices=Status.choices, blank=True
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    notified_at = models.DateTimeField(null=True, blank=True)
    notify_attempts = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("support message")
        verbose_name_plural = _("support messages")
        indexes = [
            models.Index(fields=["request", "created_at"], name="support_message_thread"),
            models.Index(fields=["from_staff", "notified_at"], name="support_message_outbox"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.body[:40]}"


def _attachment_path(instance, filename: str) -> str:
    # The stored name carries nothing from the upload: the original name is kept in `name`.
    return f"requests/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class SupportAttachment(models.Model):
    """A file attached to a message. Stored outside the public media folder and served only
    through `support:attachment` to people who may see the request."""

    message = models.ForeignKey(
        SupportMessage, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(
        _("file"), storage=private_support_storage, upload_to=_attachment_path, max_length=200
    )
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    content_type = models.CharField(_("type"), max_length=100)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("support:attachment", args=[self.pk])
