"""The account modules and the fields a portal profile may open for editing. Plain data, so
that models, permissions, forms and templates name them the same way."""

from django.utils.translation import gettext_lazy as _

# Module key → label. The order is the order of the account overview.
MODULES: dict[str, str] = {
    "details": _("My details"),
    "company": _("Company"),
    "offices": _("Offices"),
    "colleagues": _("Colleagues"),
    "orders": _("Orders"),
    "invoices": _("Invoices"),
    "support": _("Support requests"),
    "registrations": _("Registrations"),
}
# The page of each module that has one (URL name); the others are switches waiting for pages.
MODULE_URLS: dict[str, str] = {
    "details": "accounts:details",
    "company": "accounts:company",
    "offices": "accounts:offices",
    "colleagues": "accounts:colleagues",
    "orders": "commerce:orders",
    "invoices": "commerce:invoices",
    "support": "support:list",
    "registrations": "learning:registrations",
}
BUILT_MODULES = tuple(module for module in MODULES if module in MODULE_URLS)
# Modules about an organisation: a person without one sees none of them.
ORGANISATION_MODULES = ("company", "offices", "colleagues", "orders", "invoices")

# Editable field groups per module: profile flag suffix → model fields it opens.
EDITABLE_FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "details": {
        "name": ("first_name", "last_name"),
        "phone": ("phone",),
        "title": ("title",),
        "language": ("language",),
    },
    "company": {
        "name": ("name",),
        "business_id": ("business_id",),
        "billing": ("billing_street", "billing_postal_code", "billing_city", "billing_country"),
        "visiting": (
            "visiting_street",
            "visiting_postal_code",
            "visiting_city",
            "visiting_country",
        ),
    },
}


def module_flag(module: str) -> str:
    return f"show_{module}"


def edit_flag(module: str, group: str) -> str:
    return f"edit_{module}_{group}"


def all_fields(module: str) -> tuple[str, ...]:
    return tuple(f for fields in EDITABLE_FIELDS[module].values() for f in fields)
