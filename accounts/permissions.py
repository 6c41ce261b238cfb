"""Who may do what with accounts. One check per action; `can_*` beside it for templates."""

from django.core.exceptions import PermissionDenied

from accounts.models import Invitation, Membership, Organisation


def admin_organisation_ids(user) -> set[int]:
    """The organisations whose colleagues this person manages (as their admin contact)."""
    if not user.is_authenticated:
        return set()
    return set(
        Membership.objects.filter(user=user, is_admin_contact=True).values_list(
            "organisation_id", flat=True
        )
    )


def can_invite(user) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and (user.is_staff or bool(admin_organisation_ids(user)))
    )


def check_invite_to_organisation(user, organisation: Organisation | None) -> None:
    """Staff invite to any organisation (or none); an admin contact only to their own."""
    if not (user.is_authenticated and user.is_active):
        raise PermissionDenied
    if user.is_staff:
        return
    if organisation is None or organisation.pk not in admin_organisation_ids(user):
        raise PermissionDenied


def check_manage_invitation(user, invitation: Invitation) -> None:
    check_invite_to_organisation(user, invitation.organisation)


def invitable_organisations(user):
    if user.is_staff:
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=admin_organisation_ids(user))
