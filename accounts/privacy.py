"""A person's own data: "download my data" and "forget me". Services (writes) and the one
read that gathers everything an export holds.

What an export holds: the profile, memberships, the consent history, the person's support
requests (with their threads; attachment names, not the files), forum topics and posts they
wrote, and event registrations and course progress. Orders and invoices belong to the
organisation, not to the person, and are left out.

What forgetting does (after the grace period): the name, phone, title and e-mail address are
removed (the address becomes a non-routable placeholder), the password made unusable, every
session ended, sign-in e-mail addresses and second factors removed, consents withdrawn,
memberships ended, pending invitations to the old address scrubbed, exports deleted. Forum
posts and support requests stay, shown as by a "Former member" (`User.display_name`). The
CRM hears of it through the webhook outbox (`person.forgotten`, with the old address so that
it can find the person).
"""

import io
import json
import logging
import zipfile
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import (
    Consent,
    DataExport,
    ForgetRequest,
    Invitation,
    Membership,
    User,
    _new_nonce,
)
from accounts.permissions import check_view_module

log = logging.getLogger(__name__)

EXPORT_SALT = "kumppani.data-export"
EXPORT_DAYS = 7
FORGET_GRACE_DAYS = 14


# --- Download my data ----------------------------------------------------------------------


def export_token(export: DataExport) -> str:
    return signing.dumps({"e": export.pk, "n": export.nonce}, salt=EXPORT_SALT)


def export_url(export: DataExport) -> str:
    return reverse("accounts:export_download", args=[export_token(export)])


def export_for_download(*, token: str, user: User) -> DataExport:
    """The export a signed link points to, if it belongs to `user` and may still be
    downloaded; Http404 for anything else (a stranger learns nothing)."""
    try:
        data = signing.loads(token, salt=EXPORT_SALT, max_age=timedelta(days=EXPORT_DAYS))
        pk, nonce = int(data["e"]), str(data["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise Http404 from None
    export = DataExport.objects.filter(pk=pk, nonce=nonce, user_id=user.pk).first()
    if export is None or not export.is_downloadable:
        raise Http404
    return export


@transaction.atomic
def data_export_request(*, user: User) -> DataExport:
    """Ask for an export; one being prepared is reused instead of queuing another. Built by
    Celery after commit; the link is e-mailed when it is ready."""
    from accounts.tasks import build_data_export_task

    check_view_module(user, "details")
    pending = DataExport.objects.filter(user=user, state=DataExport.State.PENDING).first()
    if pending is not None:
        return pending
    export = DataExport.objects.create(user=user)
    transaction.on_commit(lambda: build_data_export_task.delay(export.pk), robust=True)
    return export


def _optional_model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def personal_data_of(user: User) -> dict:
    """Everything an export holds, as plain JSON-ready data (see the module docstring)."""
    from community.models import Post, Topic
    from support.models import SupportRequest
    from support.selectors import thread_of

    data: dict = {
        "exported_at": timezone.now(),
        "profile": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "phone": user.phone,
            "title": user.title,
            "language": user.language,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        },
        "memberships": [
            {
                "organisation": m.organisation.name,
                "roles": [r.name for r in m.roles.all()],
                "admin_contact": m.is_admin_contact,
                "portal_profile": m.portal_profile.name if m.portal_profile else None,
                "since": m.created_at,
            }
            for m in Membership.objects.filter(user=user)
            .select_related("organisation", "portal_profile")
            .prefetch_related("roles")
        ],
        "consents": [
            {"consent": c.kind, "given": c.given, "at": c.at}
            for c in Consent.objects.filter(user=user).order_by("at", "pk")
        ],
        "support_requests": [
            {
                "id": r.pk,
                "subject": r.subject,
                "product": r.product.name if r.product else None,
                "status": r.status,
                "opened": r.created_at,
                "messages": [
                    {
                        "from": _("support") if m.from_staff else m.author.email,
                        "at": m.created_at,
                        "text": m.body,
                        "status": m.new_status or None,
                        "attachments": [a.name for a in m.attachments.all()],
                    }
                    for m in thread_of(r)
                ],
            }
            for r in SupportRequest.objects.filter(requester=user).select_related("product")
        ],
        "forum_topics": [
            {"title": t.title, "created": t.created_at, "url": t.get_absolute_url()}
            for t in Topic.objects.filter(author=user).order_by("created_at", "pk")
        ],
        "forum_posts": [
            {
                "topic": p.topic.title,
                "created": p.created_at,
                "edited": p.edited_at,
                "text": p.source,
            }
            for p in Post.objects.filter(author=user)
            .select_related("topic")
            .order_by("created_at", "pk")
        ],
    }
    registration = _optional_model("learning.Registration")
    if registration is not None:
        data["event_registrations"] = [
            {
                "event": str(r.event),
                "status": r.status,
                "registered": r.created_at,
                "cancelled": r.cancelled_at,
            }
            for r in registration.objects.filter(user=user).select_related("event")
        ]
    progress = _optional_model("learning.CourseProgress")
    if progress is not None:
        data["course_progress"] = [
            {
                "course": str(p.course),
                "completed": getattr(p, "completed_at", None),
            }
            for p in progress.objects.filter(user=user).select_related("course")
        ]
    return data


def data_export_build(*, export_id: int) -> bool:
    """Build a waiting export: JSON in a ZIP, in the private folder, valid for EXPORT_DAYS;
    then mail the link. Returns whether it built one (False: gone or already built)."""
    export = (
        DataExport.objects.select_related("user")
        .filter(pk=export_id, state=DataExport.State.PENDING)
        .first()
    )
    if export is None:
        return False
    user = export.user
    document = json.dumps(
        personal_data_of(user), cls=DjangoJSONEncoder, indent=2, ensure_ascii=False
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("my-data.json", document)
    now = timezone.now()
    export.file.save(
        f"{user.pk}-{now:%Y%m%d%H%M%S}.zip", ContentFile(buffer.getvalue()), save=False
    )
    export.size = buffer.tell()
    export.state = DataExport.State.READY
    export.ready_at, export.expires_at = now, now + timedelta(days=EXPORT_DAYS)
    export.save(update_fields=["file", "size", "state", "ready_at", "expires_at"])
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "url": settings.SITE_URL + export_url(export),
            "expires_at": export.expires_at,
            "portal_name": settings.WAGTAIL_SITE_NAME,
        }
        subject = render_to_string("accounts/email/export_subject.txt", context).strip()
        body = render_to_string("accounts/email/export_message.txt", context)
    send_mail(subject, body, None, [user.email])
    return True


def data_exports_expire(*, now=None) -> int:
    """Remove the files of expired exports (and their links, by a new nonce). The beat task."""
    now = now or timezone.now()
    expired = 0
    for export in DataExport.objects.filter(state=DataExport.State.READY, expires_at__lte=now):
        _delete_export_file(export)
        export.state = DataExport.State.EXPIRED
        export.nonce = _new_nonce()
        export.save(update_fields=["file", "state", "nonce"])
        expired += 1
    return expired


def _delete_export_file(export: DataExport) -> None:
    if export.file:
        try:
            export.file.delete(save=False)
        except OSError:
            log.warning("could not delete export file %s", export.file.name)
        export.file = ""


# --- Forget me -----------------------------------------------------------------------------


def forget_pending(user: User) -> ForgetRequest | None:
    return ForgetRequest.objects.filter(
        user=user, cancelled_at__isnull=True, completed_at__isnull=True
    ).first()


@transaction.atomic
def forget_request(*, user: User, password: str) -> ForgetRequest:
    """Ask to be forgotten. The password is asked again (a walked-away session must not be
    enough). Anonymised after FORGET_GRACE_DAYS unless cancelled; a confirmation mail goes out."""
    check_view_module(user, "details")
    if not user.check_password(password or ""):
        raise ValidationError({"password": _("The password is not right.")})
    pending = forget_pending(User.objects.select_for_update().get(pk=user.pk))
    if pending is not None:
        return pending
    now = timezone.now()
    forget = ForgetRequest.objects.create(
        user=user, requested_at=now, due_at=now + timedelta(days=FORGET_GRACE_DAYS)
    )
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "due_at": forget.due_at,
            "url": settings.SITE_URL + reverse("accounts:details"),
            "portal_name": settings.WAGTAIL_SITE_NAME,
        }
        subject = render_to_string("accounts/email/forget_subject.txt", context).strip()
        body = render_to_string("accounts/email/forget_message.txt", context)
    address = user.email
    transaction.on_commit(lambda: send_mail(subject, body, None, [address]), robust=True)
    return forget


@transaction.atomic
def forget_cancel(*, user: User) -> ForgetRequest | None:
    pending = forget_pending(user)
    if pending is not None:
        pending.cancelled_at = timezone.now()
        pending.save(update_fields=["cancelled_at"])
    return pending


def placeholder_email(user: User) -> str:
    # .invalid is reserved (RFC 2606): mail to it can never be delivered anywhere.
    return f"former-member-{user.pk}@anonymised.invalid"


@transaction.atomic
def user_anonymise(*, user: User) -> User:
    """Remove the person's personal data and keep the row (see the module docstring). Locks
    the user row; running it again changes nothing."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.usersessions.models import UserSession

    from accounts.selectors import consents_of
    from accounts.services import webhook_event_emit
    from notifications.services import forget as notifications_forget

    user = User.objects.select_for_update().get(pk=user.pk)
    if user.anonymised_at is not None:
        return user
    now = timezone.now()
    old_email = user.email
    memberships = list(Membership.objects.filter(user=user).select_related("organisation"))
    webhook_event_emit(
        event_type="person.forgotten",
        organisation=memberships[0].organisation if memberships else None,
        payload={
            "person": {"id": user.pk, "email": old_email},
            "organisations": [
                {"id": m.organisation.pk, "external_id": m.organisation.external_id}
                for m in memberships
            ],
            "at": now.isoformat(),
        },
    )
    Consent.objects.bulk_create(
        Consent(user=user, kind=kind, given=False, at=now)
        for kind, consent in consents_of(user).items()
        if consent is not None and consent.given
    )
    Membership.objects.filter(user=user).delete()
    for session in UserSession.objects.filter(user=user):
        session.end()
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    Invitation.objects.filter(email__iexact=old_email).update(
        email=placeholder_email(user), first_name="", last_name=""
    )
    for export in DataExport.objects.filter(user=user):
        _delete_export_file(export)
    DataExport.objects.filter(user=user).delete()
    notifications_forget(user)
    user.first_name = user.last_name = user.phone = user.title = ""
    user.email = placeholder_email(user)
    user.set_unusable_password()
    user.is_active = user.is_staff = user.is_superuser = False
    user.last_login = None
    user.anonymised_at = now
    user.save(
        update_fields=[
            "first_name", "last_name", "phone", "title", "email", "password", "is_active",
            "is_staff", "is_superuser", "last_login", "anonymised_at",
        ]
    )  # fmt: skip
    ForgetRequest.objects.filter(user=user, completed_at__isnull=True).update(completed_at=now)
    return user


def forget_due(*, now=None) -> int:
    """Anonymise every account whose grace period is over (the beat task). One transaction
    per person, so one failure does not hold back the others."""
    now = now or timezone.now()
    done = 0
    due = ForgetRequest.objects.filter(
        due_at__lte=now, cancelled_at__isnull=True, completed_at__isnull=True
    ).values_list("user_id", flat=True)
    for user_id in list(due[:200]):
        try:
            user_anonymise(user=User.objects.get(pk=user_id))
        except Exception:  # one broken account must not stop the rest; it is retried
            log.exception("anonymising user %s failed", user_id)
            continue
        done += 1
    return done
