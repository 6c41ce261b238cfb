"""Writes for the CRM/ERP link: organisations, people and memberships as the CRM says they are.

Used by the integration API (integrations/api.py) and `manage.py import_crm`. These are not
customer-made changes, so — unlike `accounts.services` — nothing here writes a webhook event:
the CRM is the source and must not hear its own changes back. Each function runs in one
transaction and raises `ValidationError` (keyed by field, nothing written) for bad input.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Membership, Organisation, PortalProfile, User
from accounts.services import user_deactivate, user_reactivate
from hub.models import Product, Region, Role

ORGANISATION_FIELDS = (
    "name",
    "business_id",
    "membership_class",
    "billing_street",
    "billing_postal_code",
    "billing_city",
    "billing_country",
    "visiting_street",
    "visiting_postal_code",
    "visiting_city",
    "visiting_country",
)
PERSON_FIELDS = ("first_name", "last_name", "phone", "title", "language")


def _by_slug(model, slugs: Iterable[str], key: str) -> list:
    slugs = list(dict.fromkeys(slugs))
    found = {obj.slug: obj for obj in model.objects.filter(slug__in=slugs)}
    unknown = [s for s in slugs if s not in found]
    if unknown:
        raise ValidationError({key: _("Unknown: %(slugs)s") % {"slugs": ", ".join(unknown)}})
    return [found[s] for s in slugs]


def _validation_error(exc: ValidationError, prefix: str = "") -> ValidationError:
    """`exc` with its field names prefixed (`lines.2.` + `quantity`)."""
    if not hasattr(exc, "error_dict"):
        return ValidationError({prefix.rstrip(".") or "__all__": exc.messages})
    return ValidationError({f"{prefix}{name}": errors for name, errors in exc.error_dict.items()})


@transaction.atomic
def organisation_upsert(
    *,
    external_id: str,
    data: dict,
    products: Sequence[str] | None = None,
    regions: Sequence[str] | None = None,
) -> tuple[Organisation, bool]:
    """Create or update the organisation with this external id. `data` holds any of
    ORGANISATION_FIELDS (missing ones keep their value, or the default for a new one);
    `products`/`regions` are slugs and replace the current sets when given (None = keep).
    Locks the row. Returns (organisation, created)."""
    organisation = Organisation.objects.select_for_update().filter(external_id=external_id).first()
    created = organisation is None
    if created:
        organisation = Organisation(external_id=external_id)
    errors: dict = {}
    for name in ORGANISATION_FIELDS:
        if name in data:
            setattr(organisation, name, data[name] if data[name] is not None else "")
    terms = {}
    for key, model, slugs in (("products", Product, products), ("regions", Region, regions)):
        if slugs is not None:
            try:
                terms[key] = _by_slug(model, slugs, key)
            except ValidationError as exc:
                errors.update(exc.error_dict)
    try:
        organisation.full_clean()
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    organisation.save()
    for key, objects in terms.items():
        getattr(organisation, key).set(objects)
    return organisation, created


@transaction.atomic
def organisation_delete(*, organisation: Organisation) -> None:
    """Delete an organisation the CRM no longer has — only when nobody belongs to it and it has
    no orders or invoices (ValidationError otherwise): the CRM removes or moves its people and
    documents first, so that nothing disappears from a customer's view by accident."""
    blockers = []
    if Membership.objects.filter(organisation=organisation).exists():
        blockers.append(_("people"))
    if organisation.orders.exists():
        blockers.append(_("orders"))
    if organisation.invoices.exists():
        blockers.append(_("invoices"))
    if blockers:
        raise ValidationError(
            _("The organisation still has %(what)s; remove them first.")
            % {"what": ", ".join(blockers)},
            code="in_use",
        )
    organisation.delete()


@dataclass
class MembershipData:
    organisation: str  # external id
    roles: list[str] = field(default_factory=list)  # role slugs
    admin_contact: bool = False
    profile: str | None = None  # portal profile slug; None = the default profile


@transaction.atomic
def person_upsert(
    *, user: User | None, email: str, data: dict, is_active: bool = True
) -> tuple[User, bool]:
    """Create (`user` None) or update a person. A new person gets a verified e-mail address and
    no usable password: they set one with "forgot password" (or come in by invitation).
    Switching `is_active` off deactivates them and ends their sessions. Returns (user, created)."""
    email = (email or "").strip().lower()
    created = user is None
    taken = User.objects.filter(email__iexact=email)
    if not created:
        user = User.objects.select_for_update().get(pk=user.pk)
        taken = taken.exclude(pk=user.pk)
    if email and taken.exists():
        raise ValidationError({"email": _("Another person has this e-mail address.")})
    if created:
        user = User(email=email)
        user.set_unusable_password()
    old_email = user.email
    user.email = email
    for name in PERSON_FIELDS:
        if name in data:
            setattr(user, name, data[name] if data[name] is not None else "")
    user.full_clean(exclude=["password"])
    if created:
        user.is_active = is_active
    user.save()
    if created or old_email != email:
        EmailAddress.objects.filter(user=user).exclude(email__iexact=email).update(primary=False)
        EmailAddress.objects.update_or_create(
            user=user, email__iexact=email,
            defaults={"email": email, "verified": True, "primary": True},
        )  # fmt: skip
    if not created and user.is_active != is_active:
        (user_reactivate if is_active else user_deactivate)(user=user)
    return user, created


@transaction.atomic
def memberships_sync(*, user: User, memberships: Sequence[MembershipData]) -> list[Membership]:
    """Make the person's memberships of CRM organisations (those with an external id) exactly
    `memberships`; memberships of organisations the CRM does not know are left alone. Unknown
    organisations, roles or profiles are a ValidationError keyed `memberships.<i>.<field>`."""
    errors: dict = {}
    resolved = []
    orgs = {
        o.external_id: o
        for o in Organisation.objects.filter(external_id__in=[m.organisation for m in memberships])
    }
    for i, item in enumerate(memberships):
        organisation = orgs.get(item.organisation)
        if organisation is None:
            errors[f"memberships.{i}.organisation"] = [_("Unknown organisation.")]
        try:
            roles = _by_slug(Role, item.roles, f"memberships.{i}.roles")
            profile = (
                _by_slug(PortalProfile, [item.profile], f"memberships.{i}.profile")[0]
                if item.profile
                else None
            )
        except ValidationError as exc:
            errors.update(exc.error_dict)
            continue
        resolved.append((organisation, roles, item, profile))
    if errors:
        raise ValidationError(errors)
    kept = []
    for organisation, roles, item, profile in resolved:
        membership, _created = Membership.objects.get_or_create(
            user=user, organisation=organisation
        )
        changed = []
        if membership.is_admin_contact != item.admin_contact:
            membership.is_admin_contact = item.admin_contact
            changed.append("is_admin_contact")
        if membership.portal_profile_id != (profile.pk if profile else None):
            membership.portal_profile = profile
            changed.append("portal_profile")
        if changed:
            membership.save(update_fields=changed)
        membership.roles.set(roles)
        kept.append(membership)
    Membership.objects.filter(user=user, organisation__external_id__isnull=False).exclude(
        pk__in=[m.pk for m in kept]
    ).delete()
    return kept
