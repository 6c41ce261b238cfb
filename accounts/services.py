"""Writes for people, organisations and invitations. Views, commands and tests call these."""

from collections.abc import Iterable
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Invitation, Membership, Organisation, User, _new_nonce
from accounts.permissions import check_invite_to_organisation
from accounts.selectors import invitation_token
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
) -> Invitation:
    """Invite a person. Checks that `by` may invite to `organisation`; refuses someone who is
    already a member there; a pending invitation to the same address is renewed and sent again
    instead of duplicated. The e-mail is queued after commit (and retried until sent)."""
    check_invite_to_organisation(by, organisation)
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
            user=user, organisation_id=invitation.organisation_id
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
