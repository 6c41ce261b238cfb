"""Notifications: in-app, and e-mail through the rows' own outbox.

`notify` is called by the apps inside the transaction of the change that causes it; the caller
passes only people who may see the thing it points to (hub.audience) and never the actor.
"""

import logging
import smtplib
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from hub import cache as hub_cache
from notifications.models import EmailState, Frequency, Notification, NotificationSettings
from notifications.outbox import queue_delivery_on_commit

log = logging.getLogger(__name__)

_UNSUBSCRIBE_SALT = "notifications.unsubscribe"
DIGEST_KIND = "digest"  # the unsubscribe link of a digest stops all e-mail


def _unread_key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def notify(
    recipients: Iterable[User],
    *,
    kind: str,
    title: str,
    url: str,
    body: str = "",
    actor: User | None = None,
) -> int:
    """Tell each person about something; returns how many were told."""
    people = {
        user.pk: user
        for user in recipients
        if user is not None and user.is_active and (actor is None or user.pk != actor.pk)
    }
    if not people:
        return 0
    preferences = {
        s.user_id: s for s in NotificationSettings.objects.filter(user_id__in=list(people))
    }
    now = timezone.now()
    rows = [
        Notification(
            recipient_id=pk,
            kind=kind,
            title=title[:255],
            body=body[:2000],
            url=url,
            actor=actor,
            created_at=now,
            email_state=email_state_for(preferences.get(pk), kind),
        )
        for pk in people
    ]
    Notification.objects.bulk_create(rows)
    keys = [_unread_key(pk) for pk in people]
    transaction.on_commit(lambda: cache.delete_many(keys))
    if any(row.email_state == EmailState.PENDING for row in rows):
        _schedule_sending()
    return len(rows)


def email_state_for(preference: NotificationSettings | None, kind: str) -> str:
    frequency = preference.email_frequency if preference else Frequency.IMMEDIATE
    if frequency == Frequency.NEVER or (preference and kind in preference.muted_kinds):
        return EmailState.NONE
    return EmailState.DIGEST if frequency == Frequency.DAILY else EmailState.PENDING


def _schedule_sending() -> None:
    from notifications.tasks import send_pending_task

    queue_delivery_on_commit(send_pending_task)


# --- reading ------------------------------------------------------------------------------------


@hub_cache.reads_ahead
def _unread_key_ahead(request, user) -> list[str]:
    return [_unread_key(user.pk)]


def unread_count(user: User) -> int:
    """Unread notifications, from the cache (the header shows it on every page)."""
    key = _unread_key(user.pk)
    count = hub_cache.get_ahead(key)
    if count is None:
        count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        cache.set(key, count, 3600)
    return count


def inbox(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).only(
        "pk", "kind", "title", "body", "url", "created_at", "read_at"
    )


def mark_read(user: User, *, pk: int | None = None) -> Notification | None:
    """Mark one notification (or, without pk, all of them) read; returns the one."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    notification = None
    if pk is not None:
        notification = Notification.objects.filter(recipient=user, pk=pk).first()
        if notification is None:
            return None
        unread = unread.filter(pk=pk)
    if unread.update(read_at=timezone.now()):
        cache.delete(_unread_key(user.pk))
    return notification


def settings_for(user: User) -> NotificationSettings:
    return NotificationSettings.objects.filter(user=user).first() or NotificationSettings(user=user)


def forget(user: User) -> None:
    """Remove a person's notifications and settings (the account is being anonymised)."""
    Notification.objects.filter(recipient=user).delete()
    NotificationSettings.objects.filter(user=user).delete()
    transaction.on_commit(lambda: cache.delete(_unread_key(user.pk)))


# --- unsubscribe --------------------------------------------------------------------------------


def unsubscribe_token(user: User, kind: str) -> str:
    return signing.dumps({"u": user.pk, "k": kind}, salt=_UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[User, str] | None:
    try:
        data = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
        user = User.objects.get(pk=data["u"])
    except (signing.BadSignature, User.DoesNotExist, KeyError, TypeError):
        return None
    return user, str(data["k"])


@transaction.atomic
def unsubscribe(user: User, *, kind: str | None = None) -> NotificationSettings:
    """No more e-mail of this kind (or none at all); waiting mails of it are dropped."""
    preference, _ = NotificationSettings.objects.select_for_update().get_or_create(user=user)
    waiting = Notification.objects.filter(
        recipient=user, email_state__in=[EmailState.PENDING, EmailState.DIGEST]
    )
    if kind in (None, DIGEST_KIND):
        preference.email_frequency = Frequency.NEVER
    else:
        preference.muted_kinds = sorted({*preference.muted_kinds, kind})
        waiting = waiting.filter(kind=kind)
    preference.save()
    waiting.update(email_state=EmailState.NONE)
    return preference


# --- e-mail -------------------------------------------------------------------------------------


def _absolute(url: str) -> str:
    return url if url.startswith(("http://", "https://")) else settings.SITE_URL + url


def _message(user: User, subject: str, template: str, context: dict, kind: str) -> EmailMessage:
    unsubscribe_url = settings.SITE_URL + reverse(
        "notifications:unsubscribe", args=[unsubscribe_token(user, kind)]
    )
    with translation.override(user.language or settings.LANGUAGE_CODE):
        body = render_to_string(
            template,
            {
                **context,
                "user": user,
                "portal_name": settings.WAGTAIL_SITE_NAME,
                "unsubscribe_url": unsubscribe_url,
                "settings_url": settings.SITE_URL + reverse("notifications:settings"),
            },
        )
        subject = f"[{settings.WAGTAIL_SITE_NAME}] {subject}"
    return EmailMessage(
        subject,
        body,
        None,
        [user.email],
        headers={
            # RFC 8058: mail clients offer a one-click unsubscribe that POSTs to this URL.
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def send_pending(*, limit: int = 200) -> int:
    """Send waiting one-by-one mails; a failure leaves the rest for the retry. Returns sent."""
    sent = 0
    with transaction.atomic():
        batch = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(email_state=EmailState.PENDING)
            .order_by("pk")[:limit]
        )
        for notification in batch:
            user = notification.recipient
            if not user.is_active:
                notification.email_state = EmailState.NONE
                notification.save(update_fields=["email_state"])
                continue
            message = _message(
                user,
                notification.title,
                "notifications/email/notification.txt",
                {"notification": notification, "url": _absolute(notification.url)},
                notification.kind,
            )
            try:
                message.send()
            except (smtplib.SMTPException, OSError) as exc:
                log.warning("notification %s not e-mailed yet: %s", notification.pk, exc)
                Notification.objects.filter(pk=notification.pk).update(
                    email_attempts=notification.email_attempts + 1
                )
                break
            Notification.objects.filter(pk=notification.pk).update(
                email_state=EmailState.SENT, emailed_at=timezone.now()
            )
            sent += 1
    return sent


def send_digests() -> int:
    """One mail per person with everything waiting for the daily digest. Returns mails sent."""
    waiting = defaultdict(list)
    for notification in (
        Notification.objects.select_related("recipient")
        .filter(email_state=EmailState.DIGEST)
        .order_by("recipient_id", "created_at")[:5000]
    ):
        waiting[notification.recipient].append(notification)
    mails = 0
    for user, notifications in waiting.items():
        ids = [n.pk for n in notifications]
        if user.is_active:
            with translation.override(user.language or settings.LANGUAGE_CODE):
                subject = translation.ngettext(
                    "%(count)d new notification", "%(count)d new notifications", len(ids)
                ) % {"count": len(ids)}
            message = _message(
                user,
                subject,
                "notifications/email/digest.txt",
                {"items": [(n, _absolute(n.url)) for n in notifications]},
                DIGEST_KIND,
            )
            try:
                message.send()
            except (smtplib.SMTPException, OSError) as exc:
                log.warning("digest for user %s not sent yet: %s", user.pk, exc)
                break
            mails += 1
        Notification.objects.filter(pk__in=ids).update(
            email_state=EmailState.SENT if user.is_active else EmailState.NONE,
            emailed_at=timezone.now(),
        )
    return mails
