"""Demo data for the accounts app, called by `manage.py seed_demo` after the personas exist.
Must be idempotent: create what is missing, leave what exists (editors may have changed it).
Seed rows are written directly, not through the services: they are not customer changes, so
they must not reach the CRM as webhooks."""

from wagtail.models import Site

from accounts.models import (
    Membership,
    Office,
    Organisation,
    PortalProfile,
    PortalSettings,
    User,
    WebhookEndpoint,
)

PROFILES = {
    "full-access": {
        "name": "Full access",
        "edit_company_name": True,
        "edit_company_business_id": True,
        "edit_company_billing": True,
        "edit_company_visiting": True,
    },
    "basic": {"name": "Basic", "show_company": False, "show_invoices": False},
    # For field technicians: everything but the invoices (company details read-only).
    "technician-no-invoices": {"name": "Technician — no invoices", "show_invoices": False},
}
# person → profile slug (set only while the membership has none)
ASSIGNMENTS = {
    "aki@aurora.example": "full-access",
    "anna@aurora.example": "basic",
    "ville@aurora.example": "technician-no-invoices",
}
# Colleagues beside the personas (DESIGN.md), so that the colleagues page has people and the
# restricted profile someone who has it: e-mail, first name, last name, title, role slug.
COLLEAGUES = [
    ("ville@aurora.example", "Ville", "Virtanen", "Field technician", "Aurora Oy", "technician"),
]
# organisation → offices (name, street, postal code, city, country, phone)
OFFICES = {
    "Aurora Oy": [
        ("Helsinki office", "Mannerheimintie 12", "00100", "Helsinki", "FI", "+358 9 555 0100"),
        ("Tampere service point", "Hämeenkatu 5", "33100", "Tampere", "FI", "+358 3 555 0200"),
    ],
    "Berg Technik GmbH": [
        ("München Zentrale", "Leopoldstraße 40", "80802", "München", "DE", "+49 89 5550 100"),
    ],
}  # fmt: skip


def _colleagues() -> None:
    from allauth.account.models import EmailAddress

    from hub.models import Role

    for email, first, last, title, org_name, role in COLLEAGUES:
        organisation = Organisation.objects.filter(name=org_name).first()
        if organisation is None or User.objects.filter(email=email).exists():
            continue
        # No password: the demo's sign-ins are the personas'; Ville is someone to manage.
        user = User.objects.create_user(
            email=email, password=None, first_name=first, last_name=last, title=title
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        membership = Membership.objects.create(user=user, organisation=organisation)
        membership.roles.set(Role.objects.filter(slug=role))


def seed(*, stdout) -> None:
    _colleagues()
    profiles = {
        slug: PortalProfile.objects.get_or_create(slug=slug, defaults=fields)[0]
        for slug, fields in PROFILES.items()
    }
    for email, slug in ASSIGNMENTS.items():
        Membership.objects.filter(user__email=email, portal_profile__isnull=True).update(
            portal_profile=profiles[slug]
        )
    for org_name, offices in OFFICES.items():
        organisation = Organisation.objects.filter(name=org_name).first()
        for name, street, postal_code, city, country, phone in offices if organisation else ():
            Office.objects.get_or_create(
                organisation=organisation,
                name=name,
                defaults={
                    "street": street,
                    "postal_code": postal_code,
                    "city": city,
                    "country": country,
                    "phone": phone,
                },
            )
    # An example receiver, switched off: nothing listens on the discard port. Point it at the
    # CRM's webhook URL and switch it on to see signed deliveries in the delivery log.
    WebhookEndpoint.objects.get_or_create(
        name="Example CRM (inactive)",
        defaults={"url": "http://127.0.0.1:9/", "is_active": False},
    )
    site = Site.objects.filter(is_default_site=True).first()
    if site:
        config = PortalSettings.for_site(site)
        if not config.support_email:
            config.support_name = "Kumppani customer support"
            config.support_email = "support@kumppani.example"
            config.support_phone = "+358 9 555 0000"
            config.save(update_fields=["support_name", "support_email", "support_phone"])
    stdout.write("Account modules: portal profiles, offices and an example webhook endpoint.")
