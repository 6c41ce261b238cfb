"""Writes for support requests. Views, the admin, the demo and tests call these.

Every update reaches the other side: a customer's message or status change is mailed to the
portal's support address (the message row is the outbox: `notified_at` stays empty until the
mail has gone, and a periodic task retries); staff's replies and status changes reach the
requester through the notifications app (in-app and e-mail as they chose)."""

import logging
import mimetypes
import os
import threading
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from hub.models import Product
from support import permissions
from support.models import Status, SupportAttachment, SupportMessage, SupportRequest
from support.storage import private_support_storage

log = logging.getLogger(__name__)

MAX_FILES = 5
MAX_FILE_BYTES = 10 * 1024 * 1024
# Extension → the type it is served with (always as a download, never rendered inline).
ALLOWED_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".txt": "text/plain",
    ".log": "text/plain",
    ".csv": "text/csv",
    ".json": "application/json",
    ".zip": "application/zip",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_BODY = 20000


def validate_files(files: Sequence[UploadedFile]) -> None:
    """At most MAX_FILES files, each at most MAX_FILE_BYTES, of an allowed type; every
    problem is listed."""
    errors = []
    if len(files) > MAX_FILES:
        errors.append(
            ngettext("Attach at most %(n)s file.", "Attach at most %(n)s files.", MAX_FILES)
            % {"n": MAX_FILES}
        )
    for upload in files:
        extension = os.path.splitext(upload.name or "")[1].lower()
        if extension not in ALLOWED_TYPES:
            errors.append(
                _("%(name)s: this type of file cannot be attached (allowed: %(types)s).")
                % {"name": upload.name, "types": ", ".join(sorted(ALLOWED_TYPES))}
            )
        elif upload.size > MAX_FILE_BYTES:
            errors.append(
                _("%(name)s is too large (at most %(mb)s MB).")
                % {"name": upload.name, "mb": MAX_FILE_BYTES // (1024 * 1024)}
            )
        elif upload.size == 0:
            errors.append(_("%(name)s is empty.") % {"name": upload.name})
    if errors:
        raise ValidationError({"attachments": errors})


def _clean_name(name: str) -> str:
    base = os.path.basename((name or "").replace("\\", "/")).strip() or "file"
    return "".join(c for c in base if c.isprintable() and c not in '"<>')[:200] or "file"


def _attach(message: SupportMessage, files: Sequence[UploadedFile]) -> list[SupportAttachment]:
    attached = []
    for upload in files:
        name = _clean_name(upload.name)
        extension = os.path.splitext(name)[1].lower()
        attachment = SupportAttachment(
            message=message,
            name=name,
            size=upload.size,
            content_type=ALLOWED_TYPES.get(extension)
            or mimetypes.guess_type(name)[0]
            or "application/octet-stream",
        )
        attachment.file.save(name, upload, save=False)
        attachment.save()
        attached.append(attachment)
    _saved.paths.extend(a.file.name for a in attached)
    return attached


def _message(
    request: SupportRequest,
    *,
    by: User,
    body: str = "",
    new_status: str = "",
    files: Sequence[UploadedFile] = (),
) -> SupportMessage:
    body = (body or "").strip()
    if len(body) > MAX_BODY:
        raise ValidationError({"body": _("The message is too long.")})
    message = SupportMessage.objects.create(
        request=request,
        author=by,
        from_staff=by.is_staff,
        body=body,
        new_status=new_status,
        # Staff's own messages need no mail to the support address.
        notified_at=timezone.now() if by.is_staff else None,
    )
    _attach(message, files)
    SupportRequest.objects.filter(pk=request.pk).update(
        message_count=F("message_count") + 1, last_activity_at=message.created_at
    )
    request.last_activity_at = message.created_at
    if by.is_staff:
        _notify_requester(request, message, by)
    else:
        transaction.on_commit(lambda: _queue_staff_mail(message.pk), robust=True)
    return message


def _set_status(request: SupportRequest, status: str) -> None:
    request.status = status
    request.closed_at = timezone.now() if status == Status.CLOSED else None
    request.save(update_fields=["status", "closed_at"])


def _locked(request: SupportRequest) -> SupportRequest:
    return SupportRequest.objects.select_for_update().get(pk=request.pk)


def support_request_open(
    *,
    by: User,
    subject: str,
    description: str,
    product: Product | None = None,
    files: Sequence[UploadedFile] = (),
) -> SupportRequest:
    """Open a request for `by`'s organisation (the one their account modules are about).
    The product must be one of theirs (selectors.products_for). The description is the first
    message; the support address gets a mail after commit."""
    from accounts.selectors import access_for
    from support.selectors import products_for

    permissions.check_open_request(by)
    errors = {}
    subject = " ".join((subject or "").split())
    if not subject:
        errors["subject"] = [_("Give the request a subject.")]
    if not (description or "").strip():
        errors["description"] = [_("Describe what you need help with.")]
    if product is not None and not products_for(by).filter(pk=product.pk).exists():
        errors["product"] = [_("Choose one of your organisation's products.")]
    try:
        validate_files(files)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with _atomic_with_files():
        request = SupportRequest(
            requester=by,
            organisation=access_for(by).organisation,
            subject=subject,
            product=product,
        )
        request.full_clean()
        request.save()
        try:
            _message(request, by=by, body=description, files=files)
        except ValidationError as exc:
            raise ValidationError(
                {"description": exc.message_dict.get("body", exc.messages)}
            ) from None
        _emit_created(request)
    return request


def _emit_created(request: SupportRequest) -> None:
    from accounts.services import webhook_event_emit

    webhook_event_emit(
        event_type="support.created",
        organisation=request.organisation,
        payload={
            "request": {
                "id": request.pk,
                "subject": request.subject,
                "product": request.product.slug if request.product else None,
            },
            "person": {"id": request.requester.pk, "email": request.requester.email},
            "organisation": {
                "id": request.organisation.pk,
                "external_id": request.organisation.external_id,
            }
            if request.organisation
            else None,
        },
    )


def support_reply(
    *,
    request: SupportRequest,
    by: User,
    body: str,
    files: Sequence[UploadedFile] = (),
    new_status: str = "",
) -> SupportMessage:
    """Add a message. A customer's reply puts the request back to "open" (support's turn);
    staff's reply sets `new_status` (default "answered"; "waiting" asks the customer for
    something). Locks the request row. A closed request takes no customer reply (reopen it)."""
    if by.is_staff:
        permissions.check_answer_request(by)
    else:
        permissions.check_reply_request(by, request)
    errors = {}
    if not (body or "").strip():
        errors["body"] = [_("Write a message.")]
    try:
        validate_files(files)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if by.is_staff and new_status and new_status not in Status.values:
        errors["status"] = [_("Unknown status.")]
    if errors:
        raise ValidationError(errors)
    with _atomic_with_files():
        request = _locked(request)
        if not by.is_staff and request.is_closed:
            raise PermissionDenied
        status = (new_status or Status.ANSWERED) if by.is_staff else Status.OPEN
        changed = status != request.status
        if changed:
            _set_status(request, status)
        message = _message(
            request, by=by, body=body, files=files, new_status=status if changed else ""
        )
    return message


def support_set_status(*, request: SupportRequest, by: User, status: str) -> SupportRequest:
    """Change the status without a message. Customers may close, and reopen what is closed;
    staff may set any status. Recorded in the thread; the other side is told."""
    if status not in Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    if by.is_staff:
        permissions.check_answer_request(by)
    elif status == Status.CLOSED:
        permissions.check_close_request(by, request)
    elif status == Status.OPEN:
        permissions.check_reopen_request(by, request)
    else:
        raise PermissionDenied
    with transaction.atomic():
        request = _locked(request)
        if request.status == status:
            return request
        _set_status(request, status)
        _message(request, by=by, new_status=status)
    return request


# --- Telling the other side ----------------------------------------------------------------


def _notify_requester(request: SupportRequest, message: SupportMessage, by: User) -> None:
    """Staff wrote or changed the status: the requester hears of it (if they still see the
    request: an inactive person or a hidden module gets nothing)."""
    from accounts.permissions import can_view_module

    requester = request.requester
    if requester.pk == by.pk or not requester.is_active:
        return
    if not (
        can_view_module(requester, "support") and permissions.can_see_request(requester, request)
    ):
        return
    from notifications.services import notify

    with translation.override(requester.language or settings.LANGUAGE_CODE):
        if message.body:
            kind = "support.reply"
            title = _("Support replied to your request #%(pk)s: %(subject)s")
        else:
            kind = "support.status"
            title = _("Your support request #%(pk)s is now %(status)s: %(subject)s")
        title = title % {
            "pk": request.pk,
            "subject": request.subject,
            "status": Status(request.status).label.lower(),
        }
        notify(
            [requester],
            kind=kind,
            title=title,
            url=request.get_absolute_url(),
            body=message.body[:2000],
            actor=by,
        )


def _queue_staff_mail(message_id: int) -> None:
    from support.tasks import mail_support_task

    mail_support_task.delay(message_id)


def support_mail_staff(*, message_id: int) -> bool:
    """Mail a customer's message to the portal's support address, once. Marks `notified_at`
    only after the mail server took it, so a failure leaves it for the periodic retry.
    Without a support address there is nobody to tell: the message is marked and skipped."""
    from accounts.selectors import portal_settings

    message = (
        SupportMessage.objects.select_related("request__requester", "request__organisation")
        .select_related("request__product", "author")
        .filter(pk=message_id, from_staff=False, notified_at__isnull=True)
        .first()
    )
    if message is None:
        return False
    SupportMessage.objects.filter(pk=message.pk).update(notify_attempts=F("notify_attempts") + 1)
    address = portal_settings().support_email
    if address:
        request = message.request
        context = {
            "message": message,
            "request": request,
            "attachments": list(message.attachments.all()),
            "admin_url": settings.SITE_URL + reverse("support_admin:answer", args=[request.pk]),
        }
        with translation.override(settings.LANGUAGE_CODE):
            subject = render_to_string("support/email/staff_subject.txt", context).strip()
            body = render_to_string("support/email/staff_message.txt", context)
        send_mail(subject, body, None, [address])
    else:
        log.warning("no support e-mail in the portal settings; message %s not mailed", message.pk)
    SupportMessage.objects.filter(pk=message.pk).update(notified_at=timezone.now())
    return bool(address)


# --- Files and transactions ----------------------------------------------------------------


class _SavedFiles(threading.local):
    paths: list[str]

    def __init__(self):
        self.paths = []


_saved = _SavedFiles()


class _atomic_with_files:
    """transaction.atomic that also deletes the files saved inside it if it rolls back
    (a failed request must not leave orphan files in the private folder)."""

    def __enter__(self):
        self._outer, _saved.paths = _saved.paths, []
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        return self

    def __exit__(self, exc_type, exc, tb):
        paths, _saved.paths = _saved.paths, self._outer
        try:
            return self._atomic.__exit__(exc_type, exc, tb)
        finally:
            if exc_type is not None:
                for path in paths:
                    try:
                        private_support_storage.delete(path)
                    except OSError:
                        log.warning("could not remove attachment %s after a rollback", path)
