"""Writes for people, organisations and invitations. Views, commands and tests call these."""

import hashlib
import hmac
import json
import time
from collections.abc import Iterable
from datetime import timedelta

import requests
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Max, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import (
    Consent,
    Invitation,
    Membership,
    Office,
    Organisation,
    OrganisationChange,
    PortalProfile,
    User,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    _new_nonce,
)
from accounts.permissions import (
    check_assign_profile,
    check_edit_field,
    check_invite_to_organisation,
    check_manage_colleague,
    check_office,
    check_staff,
)
from accounts.selectors import invitation_token
from accounts.webhook_urls import WebhookURLRefused, pinned_post
from hub.models import Role


class InvitationUnusable(Exception):
    """The invitation exists but cannot be accepted; `reason` is one of used/revoked/expired."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _queue_invitation_email(invitation: Invitation) -> None:
    from accounts.tasks import send_invitation_task

    transaction.on_commit(lambda: send_invitation_task.delay(invitation.pk), robust=True)


@transaction.atomic
def invitation_create(
    *,
    by: User,
    email: str,
    organisation: Organisation | None,
    roles: Iterable[Role] = (),
    is_admin_contact: bool = False,
    first_name: str = "",
    last_name: str = "",
    portal_profile: PortalProfile | None = None,
) -> Invitation:
    """Invite a person. Checks that `by` may invite to `organisation`, and that an admin
    contact gives no portal profile above their own; refuses someone who is already a member
    there; a pending invitation to the same address is renewed and sent again instead of
    duplicated. The e-mail is queued after commit (and retried until sent)."""
    check_invite_to_organisation(by, organisation)
    if not by.is_staff:
        check_assign_profile(by, portal_profile)
    email = email.strip().lower()
    if (
        organisation is not None
        and Membership.objects.filter(user__email__iexact=email, organisation=organisation).exists()
    ):
        raise ValidationError({"email": _("This person is already a member of the organisation.")})
    invitation = (
        Invitation.objects.select_for_update()
        .filter(
            email__iexact=email,
            organisation=organisation,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        )
        .first()
    )
    expires_at = timezone.now() + timedelta(days=settings.INVITATION_MAX_AGE_DAYS)
    if invitation is None:
        invitation = Invitation(email=email, organisation=organisation)
    invitation.first_name, invitation.last_name = first_name, last_name
    invitation.is_admin_contact = is_admin_contact
    invitation.portal_profile = portal_profile
    invitation.invited_by, invitation.expires_at, invitation.sent_at = by, expires_at, None
    invitation.full_clean()
    invitation.save()
    invitation.roles.set(roles)
    _queue_invitation_email(invitation)
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: Invitation, by: User) -> Invitation:
    """Give a pending or expired invitation a new lifetime and send it again."""
    check_invite_to_organisation(by, invitation.organisation)
    if invitation.accepted_at or invitation.revoked_at:
        raise ValidationError(_("This invitation can no longer be sent."))
    invitation.expires_at = timezone.now() + timedelta(days=settings.INVITATION_MAX_AGE_DAYS)
    invitation.sent_at = None
    invitation.save(update_fields=["expires_at", "sent_at"])
    _queue_invitation_email(invitation)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: User) -> Invitation:
    """Revoke; rotating the nonce makes every link sent so far invalid."""
    check_invite_to_organisation(by, invitation.organisation)
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.nonce = _new_nonce()
        invitation.save(update_fields=["revoked_at", "nonce"])
    return invitation


def invitation_check_usable(invitation: Invitation) -> None:
    if invitation.accepted_at is not None:
        raise InvitationUnusable("used")
    if invitation.revoked_at is not None:
        raise InvitationUnusable("revoked")
    if invitation.is_expired:
        raise InvitationUnusable("expired")


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, password: str | None, first_name: str = "", last_name: str = ""
) -> User:
    """Accept an invitation: create the person (or take the existing account with that
    address), verify the e-mail, add the membership, and mark the invitation used. Locks the
    invitation row so a double submit cannot use it twice. `password` is required for a new
    person and validated with the password validators."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    invitation_check_usable(invitation)
    user = User.objects.filter(email__iexact=invitation.email).first()
    if user is None:
        user = User(
            email=invitation.email,
            first_name=first_name or invitation.first_name,
            last_name=last_name or invitation.last_name,
        )
        validate_password(password or "", user)
        user.set_password(password)
        user.full_clean()
        user.save()
    EmailAddress.objects.update_or_create(
        user=user, email__iexact=user.email,
        defaults={"email": user.email, "verified": True, "primary": True},
    )  # fmt: skip
    if invitation.organisation_id:
        membership, _created = Membership.objects.get_or_create(
            user=user,
            organisation_id=invitation.organisation_id,
            defaults={"portal_profile_id": invitation.portal_profile_id},
        )
        if invitation.is_admin_contact and not membership.is_admin_contact:
            membership.is_admin_contact = True
            membership.save(update_fields=["is_admin_contact"])
        membership.roles.add(*invitation.roles.all())
    invitation.accepted_at = timezone.now()
    invitation.accepted_user = user
    invitation.save(update_fields=["accepted_at", "accepted_user"])
    return user


def invitation_send(*, invitation_id: int) -> bool:
    """Send the invitation e-mail if it still waits; returns whether a mail went out. Marks
    `sent_at` only after the mail server took it, so a failure leaves it for the retry."""
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(pk=invitation_id, sent_at__isnull=True, accepted_at__isnull=True)
        .filter(revoked_at__isnull=True)
        .first()
    )
    if invitation is None or invitation.is_expired:
        return False
    Invitation.objects.filter(pk=invitation.pk).update(send_attempts=invitation.send_attempts + 1)
    url = settings.SITE_URL + reverse("accounts:accept", args=[invitation_token(invitation)])
    language = invitation.invited_by.language if invitation.invited_by else settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "invitation": invitation,
            "url": url,
            "portal_name": settings.WAGTAIL_SITE_NAME,
            "days": settings.INVITATION_MAX_AGE_DAYS,
        }
        subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
        body = render_to_string("accounts/email/invitation_message.txt", context)
    send_mail(subject, body, None, [invitation.email])
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())
    return True


@transaction.atomic
def user_deactivate(*, user: User, by: User | None = None) -> User:
    """Deactivate a person and end every session they have, at once."""
    from allauth.usersessions.models import UserSession

    user.is_active = False
    user.save(update_fields=["is_active"])
    for session in UserSession.objects.filter(user=user):
        session.end()
    return user


@transaction.atomic
def membership_set(
    *,
    user: User,
    organisation: Organisation,
    roles: Iterable[Role] = (),
    is_admin_contact: bool = False,
) -> Membership:
    """Create or update a membership (used by seed data and, later, the CRM integration)."""
    membership, _created = Membership.objects.get_or_create(user=user, organisation=organisation)
    if membership.is_admin_contact != is_admin_contact:
        membership.is_admin_contact = is_admin_contact
        membership.save(update_fields=["is_admin_contact"])
    membership.roles.set(roles)
    return membership


@transaction.atomic
def user_reactivate(*, user: User, by: User | None = None) -> User:
    """Let a deactivated person sign in again (their memberships were kept)."""
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    return user


# --- Account modules ---------------------------------------------------------------------
# Every customer-made change writes a WebhookEvent in its own transaction (the outbox of the
# CRM/ERP link); delivery is queued after commit.


def _person(user: User) -> dict:
    return {"id": user.pk, "email": user.email}


def _organisation(organisation: Organisation) -> dict:
    return {"id": organisation.pk, "external_id": organisation.external_id}


def webhook_event_emit(
    *, event_type: str, payload: dict, organisation: Organisation | None = None
) -> WebhookEvent:
    """Write an outbox row; must run inside the caller's transaction. Delivery is queued on
    commit; if the broker is down the periodic task picks the row up."""
    from accounts.tasks import deliver_webhooks_task

    assert transaction.get_connection().in_atomic_block, "emit inside the change's transaction"
    event = WebhookEvent.objects.create(
        event_type=event_type, payload=payload, organisation=organisation
    )
    transaction.on_commit(lambda: deliver_webhooks_task.delay(), robust=True)
    return event


def _apply_changes(obj, changes: dict) -> dict[str, tuple]:
    """Set the fields that differ; returns field → (old, new)."""
    diff = {}
    for field, value in changes.items():
        old = getattr(obj, field)
        if old != value:
            diff[field] = (old, value)
            setattr(obj, field, value)
    return diff


@transaction.atomic
def user_update_details(*, user: User, changes: dict) -> dict[str, tuple]:
    """A person changes their own details. Every field must be editable by their profile
    (PermissionDenied otherwise, nothing written). Returns field → (old, new)."""
    for field in changes:
        check_edit_field(user, "details", field)
    diff = _apply_changes(user, changes)
    if diff:
        user.full_clean()
        user.save(update_fields=list(diff))
        webhook_event_emit(
            event_type="details.updated",
            payload={
                "person": _person(user),
                "changes": {f: {"old": old, "new": new} for f, (old, new) in diff.items()},
            },
        )
    return diff


@transaction.atomic
def consents_set(*, user: User, wanted: dict[str, bool]) -> list[Consent]:
    """Record each consent whose state changes (given or withdrawn, with the time). A consent
    never given needs no "withdrawn" row. History rows are never changed."""
    from accounts.selectors import consents_of

    current = consents_of(user)
    recorded = []
    for kind, given in wanted.items():
        if kind not in current:
            raise ValidationError({"kind": _("Unknown consent.")})
        now_given = current[kind].given if current[kind] else False
        if given == now_given:
            continue
        consent = Consent.objects.create(user=user, kind=kind, given=given)
        recorded.append(consent)
        webhook_event_emit(
            event_type="consent.changed",
            payload={
                "person": _person(user),
                "consent": kind,
                "given": given,
                "at": consent.at.isoformat(),
            },
        )
    return recorded


@transaction.atomic
def organisation_update(
    *, organisation: Organisation, by: User, changes: dict
) -> list[OrganisationChange]:
    """Change the company's details. Each field must be editable by `by`'s profile for their
    own organisation (PermissionDenied, nothing written). Locks the organisation row; records
    one OrganisationChange per changed field."""
    from accounts.selectors import access_for

    own = access_for(by).organisation
    if own is None or own.pk != organisation.pk:
        raise PermissionDenied
    for field in changes:
        check_edit_field(by, "company", field)
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    diff = _apply_changes(organisation, changes)
    if not diff:
        return []
    organisation.full_clean()
    organisation.save(update_fields=[*diff, "updated_at"])
    now = timezone.now()
    log = OrganisationChange.objects.bulk_create(
        OrganisationChange(
            organisation=organisation,
            changed_by=by,
            changed_at=now,
            field=field,
            old_value=str(old),
            new_value=str(new),
        )
        for field, (old, new) in diff.items()
    )
    webhook_event_emit(
        event_type="company.updated",
        organisation=organisation,
        payload={
            "organisation": _organisation(organisation),
            "by": _person(by),
            "changes": {f: {"old": old, "new": new} for f, (old, new) in diff.items()},
        },
    )
    return log


OFFICE_FIELDS = ("name", "street", "postal_code", "city", "country", "phone")


def _office_payload(office: Office) -> dict:
    return {"id": office.pk, **{f: getattr(office, f) for f in OFFICE_FIELDS}}


def _office_event(kind: str, office: Office, by: User, data: dict | None = None) -> None:
    webhook_event_emit(
        event_type=f"office.{kind}",
        organisation=office.organisation,
        payload={
            "organisation": _organisation(office.organisation),
            "by": _person(by),
            "office": data or _office_payload(office),
        },
    )


@transaction.atomic
def office_create(*, by: User, data: dict) -> Office:
    """Add an office to `by`'s organisation, as the portal settings allow."""
    from accounts.selectors import access_for

    check_office(by, "add")
    office = Office(organisation=access_for(by).organisation)
    _apply_changes(office, {f: data[f] for f in OFFICE_FIELDS if f in data})
    office.full_clean()
    office.save()
    _office_event("created", office, by)
    return office


@transaction.atomic
def office_update(*, office: Office, by: User, data: dict) -> Office:
    check_office(by, "edit", office)
    diff = _apply_changes(office, {f: data[f] for f in OFFICE_FIELDS if f in data})
    if diff:
        office.full_clean()
        office.save(update_fields=[*diff, "updated_at"])
        _office_event("updated", office, by)
    return office


@transaction.atomic
def office_delete(*, office: Office, by: User) -> None:
    check_office(by, "delete", office)
    data = _office_payload(office)
    _office_event("deleted", office, by, data)
    office.delete()


def _colleague_event(kind: str, membership: Membership, by: User, **extra) -> None:
    webhook_event_emit(
        event_type=f"colleague.{kind}",
        organisation=membership.organisation,
        payload={
            "organisation": _organisation(membership.organisation),
            "by": _person(by),
            "person": _person(membership.user),
            **extra,
        },
    )


@transaction.atomic
def colleague_set_profile(
    *, membership: Membership, profile: PortalProfile | None, by: User
) -> Membership:
    """The admin contact sets a colleague's portal profile — never above their own."""
    check_manage_colleague(by, membership, "edit")
    check_assign_profile(by, profile)
    if membership.portal_profile_id != (profile.pk if profile else None):
        membership.portal_profile = profile
        membership.save(update_fields=["portal_profile"])
        _colleague_event(
            "profile_changed", membership, by, profile=profile.slug if profile else None
        )
    return membership


@transaction.atomic
def colleague_deactivate(*, membership: Membership, by: User) -> str:
    """Take a colleague out of the organisation. A person who belongs only here is
    deactivated (User.is_active off, sessions ended; the membership stays, so they can be
    reactivated). A person who also belongs to another organisation keeps their account for
    it: only this membership is removed. Returns "deactivated" or "removed"."""
    check_manage_colleague(by, membership, "delete")
    user = membership.user
    if Membership.objects.filter(user=user).exclude(pk=membership.pk).exists():
        _colleague_event("removed", membership, by)
        membership.delete()
        return "removed"
    user_deactivate(user=user, by=by)
    _colleague_event("deactivated", membership, by)
    return "deactivated"


@transaction.atomic
def colleague_reactivate(*, membership: Membership, by: User) -> Membership:
    check_manage_colleague(by, membership, "delete")
    if not membership.user.is_active:
        user_reactivate(user=membership.user, by=by)
        _colleague_event("reactivated", membership, by)
    return membership


# --- Webhook delivery ----------------------------------------------------------------------

WEBHOOK_BACKOFF_BASE = timedelta(seconds=30)
WEBHOOK_BACKOFF_MAX = timedelta(hours=6)
WEBHOOK_BATCH = 100
WEBHOOK_TIMEOUT = (3, 10)  # connect, read (seconds)


def webhook_body(event: WebhookEvent) -> bytes:
    """The JSON sent for an event: the same bytes for every attempt."""
    document = {
        "id": str(event.idempotency_key),
        "type": event.event_type,
        "created_at": event.created_at.isoformat(),
        "data": event.payload,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


def webhook_signature(secret: str, body: bytes) -> str:
    """`X-Kumppani-Signature`: HMAC-SHA256 of the raw body with the endpoint's secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_backoff(failures: int) -> timedelta:
    """Wait after the n-th failed attempt: 30 s, 1 min, 2 min, … at most 6 h."""
    if failures <= 0:
        return timedelta(0)
    return min(WEBHOOK_BACKOFF_BASE * 2 ** (failures - 1), WEBHOOK_BACKOFF_MAX)


def _webhook_post(
    endpoint: WebhookEndpoint, event: WebhookEvent, attempt: int, *, resend: bool = False
) -> WebhookDelivery:
    body = webhook_body(event)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Kumppani-Webhooks/1",
        "X-Kumppani-Event": event.event_type,
        "X-Kumppani-Delivery": str(event.idempotency_key),
        "X-Kumppani-Timestamp": str(int(time.time())),
        "X-Kumppani-Signature": webhook_signature(endpoint.secret, body),
    }
    status, error = None, ""
    started = time.monotonic()
    try:
        # Resolved and checked again now, and connected to the checked address (SSRF, DNS
        # rebinding: accounts/webhook_urls.py).
        response = pinned_post(endpoint.url, data=body, headers=headers, timeout=WEBHOOK_TIMEOUT)
        status = response.status_code
        if not 200 <= status < 300:
            error = f"HTTP {status}: {response.text[:500]}"
    except WebhookURLRefused as exc:
        error = f"Refused: {exc}"[:2000]
    except requests.RequestException as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
    return WebhookDelivery.objects.create(
        event=event,
        endpoint=endpoint,
        attempt=attempt,
        succeeded=not error,
        status_code=status,
        error=error,
        duration_ms=int((time.monotonic() - started) * 1000),
        resend=resend,
    )


def webhooks_deliver_pending(*, now=None) -> int:
    """Deliver waiting events to every active endpoint, oldest first. For each endpoint the
    first failure stops its run (order is kept) and the next try waits for the backoff. The
    endpoint row is locked while it is served, so two workers never send the same event at
    once (on PostgreSQL; SQLite runs one writer anyway). Returns the number delivered."""
    now = now or timezone.now()
    delivered = 0
    for endpoint_id in WebhookEndpoint.objects.filter(is_active=True).values_list("pk", flat=True):
        delivered += _webhooks_deliver_to(endpoint_id, now)
    return delivered


@transaction.atomic
def _webhooks_deliver_to(endpoint_id: int, now) -> int:
    from accounts.selectors import webhook_events_pending

    endpoint = (
        WebhookEndpoint.objects.select_for_update(skip_locked=True)
        .filter(pk=endpoint_id, is_active=True)
        .first()
    )
    if endpoint is None:
        return 0
    events = list(webhook_events_pending(endpoint)[:WEBHOOK_BATCH])
    history = {
        row["event"]: row
        for row in WebhookDelivery.objects.filter(endpoint=endpoint, event__in=events)
        .values("event")
        .annotate(
            attempts=Count("pk"),
            failures=Count("pk", filter=Q(succeeded=False, resend=False)),
            last=Max("attempted_at"),
        )
    }
    delivered = 0
    for event in events:
        past = history.get(event.pk, {"attempts": 0, "failures": 0, "last": None})
        if past["failures"] and now < past["last"] + webhook_backoff(past["failures"]):
            break
        if not _webhook_post(endpoint, event, past["attempts"] + 1).succeeded:
            break
        delivered += 1
    return delivered


@transaction.atomic
def webhook_resend(*, event: WebhookEvent, by: User) -> list[WebhookDelivery]:
    """Staff send an event again, now, to every active endpoint that takes its type (also
    where it was delivered before: the receiver drops repeats by the idempotency key)."""
    check_staff(by)
    deliveries = []
    for endpoint in WebhookEndpoint.objects.filter(is_active=True):
        if endpoint.wants(event.event_type):
            attempts = WebhookDelivery.objects.filter(endpoint=endpoint, event=event).count()
            deliveries.append(_webhook_post(endpoint, event, attempts + 1, resend=True))
    return deliveries
