"""Who may do what with accounts. One check per action; `can_*` beside it for templates."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import Invitation, Membership, Office, Organisation, PortalProfile


def admin_organisation_ids(user) -> set[int]:
    """The organisations whose colleagues this person manages (as their admin contact)."""
    if not user.is_authenticated:
        return set()
    return set(
        Membership.objects.filter(user=user, is_admin_contact=True).values_list(
            "organisation_id", flat=True
        )
    )


def _portal_settings():
    from accounts.selectors import portal_settings

    return portal_settings()


def can_invite(user) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and (
            user.is_staff
            or (bool(admin_organisation_ids(user)) and _portal_settings().colleagues_may_add)
        )
    )


def check_invite_to_organisation(user, organisation: Organisation | None) -> None:
    """Staff invite to any organisation (or none); an admin contact only to their own."""
    if not (user.is_authenticated and user.is_active):
        raise PermissionDenied
    if user.is_staff:
        return
    if organisation is None or organisation.pk not in admin_organisation_ids(user):
        raise PermissionDenied
    if not _portal_settings().colleagues_may_add:  # staff switched customer invitations off
        raise PermissionDenied


def check_manage_invitation(user, invitation: Invitation) -> None:
    check_invite_to_organisation(user, invitation.organisation)


def invitable_organisations(user):
    if user.is_staff:
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=admin_organisation_ids(user))


# --- Account modules ---------------------------------------------------------------------
# A hidden module does not exist for the person: every check about it answers 404. Within a
# visible module, what the profile or the portal settings forbid is a 403.


def check_view_module(user, module: str) -> None:
    from accounts.selectors import modules_for

    if not (user.is_authenticated and user.is_active) or module not in modules_for(user):
        raise Http404


def can_view_module(user, module: str) -> bool:
    try:
        check_view_module(user, module)
    except Http404:
        return False
    return True


def check_edit_field(user, module: str, field: str) -> None:
    """`field` is a model field of the user ("details") or organisation ("company")."""
    from accounts.selectors import access_for

    check_view_module(user, module)
    if field not in access_for(user).editable_fields(module):
        raise PermissionDenied


def can_office(user, action: str) -> bool:
    """`action`: add, edit or delete — as the portal settings allow, in a visible module."""
    from accounts.selectors import access_for

    return can_view_module(user, "offices") and getattr(
        access_for(user).settings, f"offices_may_{action}"
    )


def check_office(user, action: str, office: Office | None = None) -> None:
    from accounts.selectors import access_for

    check_view_module(user, "offices")
    if office is not None and office.organisation_id != access_for(user).organisation.pk:
        raise Http404
    if not can_office(user, action):
        raise PermissionDenied


def can_manage_colleagues(user, action: str = "") -> bool:
    """The admin contact manages colleagues; `action` (add, edit, delete) is also checked
    against the portal settings."""
    from accounts.selectors import access_for

    if not can_view_module(user, "colleagues"):
        return False
    access = access_for(user)
    if not access.is_admin_contact:
        return False
    return not action or getattr(access.settings, f"colleagues_may_{action}")


def check_manage_colleague(user, membership: Membership, action: str) -> None:
    """Another organisation's people do not exist here (404); only the admin contact may act,
    and never on themselves (403)."""
    from accounts.selectors import access_for

    check_view_module(user, "colleagues")
    if membership.organisation_id != access_for(user).organisation.pk:
        raise Http404
    if not can_manage_colleagues(user, action) or membership.user_id == user.pk:
        raise PermissionDenied


def check_assign_profile(user, profile: PortalProfile | None) -> None:
    """Never above one's own: the colleague's profile may not show a module or open a field
    that the admin contact's own profile does not (no profile = the default profile)."""
    from accounts.selectors import access_for

    given = (profile or PortalProfile()).flags()
    if not given <= access_for(user).profile.flags():
        raise PermissionDenied


def check_staff(user) -> None:
    if not (user.is_authenticated and user.is_active and user.is_staff):
        raise PermissionDenied
