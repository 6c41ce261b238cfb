from django.core import signing
from django.db.models import QuerySet

from accounts.models import Invitation, Membership

INVITATION_SALT = "kumppani.invitation"


class InvitationInvalid(Exception):
    """The link was tampered with or never existed."""


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=INVITATION_SALT)


def invitation_from_token(token: str) -> Invitation:
    """The invitation a link points to, whatever its state (the caller says why it cannot be
    used); raises InvitationInvalid for anything that is not a link we signed."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT)
        pk, nonce = int(data["i"]), str(data["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise InvitationInvalid from None
    invitation = (
        Invitation.objects.select_related("organisation").filter(pk=pk, nonce=nonce).first()
    )
    if invitation is None:
        raise InvitationInvalid
    return invitation


def invitations_managed_by(user) -> QuerySet[Invitation]:
    from accounts.permissions import admin_organisation_ids

    qs = Invitation.objects.select_related("organisation", "invited_by")
    if not user.is_staff:
        qs = qs.filter(organisation_id__in=admin_organisation_ids(user))
    return qs.filter(accepted_at__isnull=True, revoked_at__isnull=True).order_by("-created_at")


def memberships_of(user) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation", "portal_profile")
        .prefetch_related("roles", "organisation__products", "organisation__regions")
        .order_by("organisation__name")
    )
