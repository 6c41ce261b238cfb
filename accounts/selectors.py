from dataclasses import dataclass

from django.core import signing
from django.core.cache import cache
from django.db.models import Exists, OuterRef, QuerySet
from wagtail.models import Site

from accounts.models import (
    PORTAL_SETTINGS_CACHE_KEY,
    Consent,
    Invitation,
    Membership,
    Office,
    Organisation,
    OrganisationChange,
    PortalProfile,
    PortalSettings,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from accounts.modules import EDITABLE_FIELDS, MODULES, ORGANISATION_MODULES, edit_flag, module_flag
from hub import cache as hub_cache

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

    qs = Invitation.objects.select_related("organisation", "invited_by", "portal_profile")
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


# --- Account modules ---------------------------------------------------------------------


@hub_cache.reads_ahead
def _portal_settings_ahead(request, user) -> list[str]:
    return [PORTAL_SETTINGS_CACHE_KEY]


def portal_settings() -> PortalSettings:
    """The default site's portal settings, cached (a save drops the cache). One portal per
    deployment, so the default site's settings are the portal's."""
    found = hub_cache.get_ahead(PORTAL_SETTINGS_CACHE_KEY)
    if found is None:
        site = Site.objects.filter(is_default_site=True).first()
        found = PortalSettings.for_site(site) if site else PortalSettings()
        cache.set(PORTAL_SETTINGS_CACHE_KEY, found, 300)
    return found


@dataclass(frozen=True)
class Access:
    """What one person may see and edit in the account modules. `membership` is the one the
    modules are about (the first organisation by name; switching between several is later
    work), `profile` its portal profile or the default (an unsaved `PortalProfile()`)."""

    membership: Membership | None
    profile: PortalProfile
    settings: PortalSettings
    modules: frozenset[str]

    @property
    def organisation(self) -> Organisation | None:
        return self.membership.organisation if self.membership else None

    @property
    def is_admin_contact(self) -> bool:
        return bool(self.membership and self.membership.is_admin_contact)

    def editable_fields(self, module: str) -> frozenset[str]:
        if module not in self.modules or module not in EDITABLE_FIELDS:
            return frozenset()
        return frozenset(
            field
            for group, fields in EDITABLE_FIELDS[module].items()
            if getattr(self.profile, edit_flag(module, group))
            for field in fields
        )


def access_for(user) -> Access:
    """The person's `Access`, computed once per user object (one query: the membership with
    its organisation and profile; the settings come from the cache)."""
    cached = getattr(user, "_portal_access", None)
    if cached is not None:
        return cached
    membership = None
    if user.is_authenticated:
        membership = (
            Membership.objects.filter(user=user)
            .select_related("organisation", "portal_profile")
            .order_by("organisation__name", "pk")
            .first()
        )
    profile = (membership.portal_profile if membership else None) or PortalProfile()
    config = portal_settings()
    modules = frozenset(
        module
        for module in MODULES
        if user.is_authenticated
        and config.module_on(module)
        and getattr(profile, module_flag(module))
        and (membership is not None or module not in ORGANISATION_MODULES)
    )
    access = Access(membership=membership, profile=profile, settings=config, modules=modules)
    if user.is_authenticated:
        user._portal_access = access
    return access


def modules_for(user) -> frozenset[str]:
    """The account modules this person sees: switched on in the portal settings, shown by
    their profile, and (for organisation modules) only with an organisation."""
    return access_for(user).modules


def consents_of(user) -> dict[str, Consent | None]:
    """The current consent per kind (newest row), None where never asked. One query."""
    current: dict[str, Consent | None] = dict.fromkeys(Consent.Kind.values)
    for consent in Consent.objects.filter(user=user).order_by("at", "pk"):
        current[consent.kind] = consent
    return current


def data_exports_of(user, *, limit: int = 3) -> list:
    """The person's latest exports (the details page lists them with their links)."""
    from accounts.models import DataExport

    return list(DataExport.objects.filter(user=user).order_by("-requested_at", "-pk")[:limit])


def organisation_changes(organisation: Organisation, *, limit: int = 50):
    return OrganisationChange.objects.filter(organisation=organisation).select_related(
        "changed_by"
    )[:limit]


def offices_of(organisation: Organisation) -> QuerySet[Office]:
    return Office.objects.filter(organisation=organisation).order_by("name", "pk")


def colleagues_of(organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user", "portal_profile")
        .order_by("user__last_name", "user__first_name", "user__email")
    )


def profiles_assignable_by(access: Access) -> list[PortalProfile]:
    """Profiles an admin contact may give a colleague: none above their own."""
    own = access.profile.flags()
    return [p for p in PortalProfile.objects.all() if p.flags() <= own]


def webhook_events_pending(endpoint: WebhookEndpoint) -> QuerySet[WebhookEvent]:
    """Events this endpoint has not yet confirmed, oldest first (created since it exists)."""
    delivered = WebhookDelivery.objects.filter(
        event=OuterRef("pk"), endpoint=endpoint, succeeded=True
    )
    events = WebhookEvent.objects.filter(created_at__gte=endpoint.created_at)
    if wanted := endpoint.event_type_list():
        events = events.filter(event_type__in=wanted)
    return events.exclude(Exists(delivered)).order_by("pk")
