"""The CRM/ERP link's writes, by external id: what the API and `manage.py import_crm` share.

Each `*_put` takes a validated item (the dict of a schema in integrations/schemas.py), runs in
one transaction, and returns (object, created) or raises ValidationError with nothing written.
`errors_from` turns a ValidationError into the API's error list.
"""

import base64
import binascii

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts import sync
from accounts.models import Organisation, User
from commerce import services as commerce_services
from commerce.models import Invoice, Order
from integrations.models import ApiKey, PersonLink

# Model field name → API field name, where they differ.
_API_NAMES = {"pdf": "pdf_base64", "is_active": "active"}


def errors_from(exc: ValidationError, root: tuple = ("body",)) -> list[dict]:
    """[{"loc": [...], "msg": "..."}] for every message in `exc`."""
    if hasattr(exc, "error_dict"):
        items = exc.error_dict.items()
    else:
        items = [(NON_FIELD_ERRORS, exc.error_list)]
    out = []
    for name, errors in items:
        loc = list(root)
        if name not in (NON_FIELD_ERRORS, "__all__"):
            parts = name.split(".")
            parts[-1] = _API_NAMES.get(parts[-1], parts[-1])
            loc += [int(p) if p.isdigit() else p for p in parts]
        out += [{"loc": loc, "msg": msg} for msg in ValidationError(errors).messages]
    return out


def _guard(func, *args, **kwargs):
    """Two writers creating the same external id at once: the loser gets a clear error."""
    try:
        return func(*args, **kwargs)
    except IntegrityError:
        raise ValidationError(
            _("The record was changed by another request at the same time; try again.")
        ) from None


def _organisation(external_id: str) -> Organisation:
    organisation = Organisation.objects.filter(external_id=external_id).first()
    if organisation is None:
        raise ValidationError({"organisation": _("Unknown organisation.")})
    return organisation


def organisation_put(external_id: str, data: dict) -> tuple[Organisation, bool]:
    data = {k: v for k, v in data.items() if k != "external_id"}
    products, regions = data.pop("products", None), data.pop("regions", None)
    return _guard(
        sync.organisation_upsert,
        external_id=external_id,
        data=data,
        products=products,
        regions=regions,
    )


@transaction.atomic
def _person_put(external_id: str, data: dict) -> tuple[User, bool]:
    link = PersonLink.objects.select_related("user").filter(external_id=external_id).first()
    email = data["email"].strip().lower()
    user = link.user if link else None
    if user is None:
        # An account the CRM has not linked yet (invited, or made by staff) is taken over.
        user = User.objects.filter(email__iexact=email, crm_link__isnull=True).first()
    user, _created = sync.person_upsert(
        user=user,
        email=email,
        data={name: data[name] for name in sync.PERSON_FIELDS if name in data},
        is_active=data.get("active", True),
    )
    if link is None:
        PersonLink.objects.create(user=user, external_id=external_id)
    sync.memberships_sync(
        user=user,
        memberships=[sync.MembershipData(**m) for m in data.get("memberships", [])],
    )
    return user, link is None


def person_put(external_id: str, data: dict) -> tuple[User, bool]:
    """Create or update the person the CRM knows by `external_id`, and their memberships."""
    return _guard(_person_put, external_id, data)


def person_deactivate(user: User) -> User:
    """The CRM removed the person: deactivated, sessions ended; memberships and history kept
    (a later PUT with "active": true brings them back)."""
    from accounts.services import user_deactivate

    return user_deactivate(user=user) if user.is_active else user


def order_put(external_id: str, data: dict) -> tuple[Order, bool]:
    organisation = _organisation(data["organisation"])
    fields = {k: v for k, v in data.items() if k not in ("organisation", "lines", "external_id")}
    return _guard(
        commerce_services.order_upsert,
        external_id=external_id,
        organisation=organisation,
        data=fields,
        lines=data.get("lines", []),
    )


def invoice_put(external_id: str, data: dict) -> tuple[Invoice, bool]:
    organisation = _organisation(data["organisation"])
    pdf = None
    if data.get("pdf_base64"):
        try:
            pdf = base64.b64decode(data["pdf_base64"], validate=True)
        except (binascii.Error, ValueError):
            pdf = b""  # reported with the invoice's other errors as "not a PDF"
    skip = ("organisation", "lines", "external_id", "order", "pdf_base64")
    return _guard(
        commerce_services.invoice_upsert,
        external_id=external_id,
        organisation=organisation,
        data={k: v for k, v in data.items() if k not in skip},
        lines=data.get("lines", []),
        order_external_id=data.get("order"),
        pdf=pdf,
    )


PUTS = {
    "organisations": organisation_put,
    "people": person_put,
    "orders": order_put,
    "invoices": invoice_put,
}


def bulk_put(kind: str, items: list[dict]) -> list[dict]:
    """Apply each item in its own transaction; one result per item, in order."""
    put = PUTS[kind]
    results = []
    for item in items:
        try:
            _obj, created = put(item["external_id"], item)
        except ValidationError as exc:
            results.append(
                {
                    "external_id": item["external_id"],
                    "status": "error",
                    "errors": errors_from(exc, root=()),
                }
            )
        else:
            status = "created" if created else "updated"
            results.append({"external_id": item["external_id"], "status": status, "errors": []})
    return results


# --- API keys --------------------------------------------------------------------------------


@transaction.atomic
def api_key_create(*, name: str, scopes: list[str], by: User | None) -> tuple[ApiKey, str]:
    """A new key; returns (key row, the key in plain text — shown once, never stored)."""
    api_key = ApiKey(name=name, scopes=list(scopes))
    return api_key, api_key_issue(api_key=api_key, by=by)


@transaction.atomic
def api_key_issue(*, api_key: ApiKey, by: User | None) -> str:
    """Save the unsaved `api_key` with a fresh secret; returns the plain key."""
    plain = api_key.issue()
    api_key.created_by = by if by is not None and by.is_authenticated else None
    api_key.full_clean()
    api_key.save()
    return plain


@transaction.atomic
def api_key_revoke(*, api_key: ApiKey, by: User | None = None) -> ApiKey:
    from django.utils import timezone

    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
    return api_key
