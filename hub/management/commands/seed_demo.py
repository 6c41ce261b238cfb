"""Idempotent demo data: taxonomy, organisations, the demo personas (DESIGN.md), and a small
knowledge hub with content restricted to each persona. Run it again and nothing is duplicated."""

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import demo as accounts_demo
from accounts.models import Organisation, User
from accounts.services import membership_set
from commerce import demo as commerce_demo
from community import demo as community_demo
from hub.models import Product, Region, Role
from knowledge import demo as knowledge_demo
from knowledge.models import ArticlePage, SectionPage
from knowledge.services import knowledge_root
from learning import demo as learning_demo
from moderation import demo as moderation_demo
from support import demo as support_demo

DEMO_PASSWORD = "kumppani-demo"  # noqa: S105 (the published demo password, README and DESIGN.md)

PRODUCTS = [
    ("router-r", "Router R-series", None),
    ("router-r100", "Router R100", "router-r"),
    ("router-r200", "Router R200", "router-r"),
    ("switch-s", "Switch S-series", None),
    ("switch-s10", "Switch S10", "switch-s"),
    ("gateway-g", "Gateway G-series", None),
]
REGIONS = [
    ("nordics", "Nordics", None),
    ("finland", "Finland", "nordics"),
    ("sweden", "Sweden", "nordics"),
    ("norway", "Norway", "nordics"),
    ("dach", "DACH", None),
    ("germany", "Germany", "dach"),
    ("austria", "Austria", "dach"),
]
ROLES = [("technician", "Technician"), ("purchaser", "Purchaser"), ("partner", "Partner")]

ORGANISATIONS = [
    # name, business id, class, products, regions, city, country, external id
    ("Aurora Oy", "1234567-8", "customer", ["router-r"], ["finland"], "Tampere", "FI", "CRM-1001"),
    ("Berg Technik GmbH", "DE123456789", "partner", ["switch-s"], ["germany"], "München", "DE", "CRM-1002"),
    ("Nordlys AS", "987654321", "key_customer", ["router-r", "gateway-g"], ["norway"], "Bergen", "NO", "CRM-1003"),
    ("Alpen Netz AG", "ATU12345678", "customer", ["gateway-g"], ["austria"], "Graz", "AT", "CRM-1004"),
]  # fmt: skip


@dataclass(frozen=True)
class Persona:
    email: str
    first_name: str
    last_name: str
    who: str
    organisation: str | None = None
    roles: tuple[str, ...] = ()
    admin_contact: bool = False
    staff: bool = False
    superuser: bool = False
    group: str | None = None
    language: str = "en"


PERSONAS = [
    Persona("anna@aurora.example", "Anna", "Aho", "customer, technician", "Aurora Oy", ("technician",), language="fi"),
    Persona("aki@aurora.example", "Aki", "Aalto", "Aurora's admin contact", "Aurora Oy", ("purchaser",), admin_contact=True, language="fi"),
    Persona("clara@berg.example", "Clara", "Berg", "partner", "Berg Technik GmbH", ("partner",), language="de"),
    Persona("erik@kumppani.example", "Erik", "Editor", "editor", staff=True, group="Editors"),
    Persona("maria@kumppani.example", "Maria", "Moderator", "moderator", staff=True, group="Moderators"),
    Persona("sam@kumppani.example", "Sam", "Admin", "staff administrator", staff=True, superuser=True),
]  # fmt: skip

# section slug, title, intro, audience (products, regions, roles)
SECTIONS = [
    ("getting-started", "Getting started", "First steps with your devices and this portal.", ((), (), ())),
    ("routers", "Routers", "Installing, configuring and troubleshooting R-series routers.", (("router-r",), (), ())),
    ("switches", "Switches", "Everything about S-series switches.", (("switch-s",), (), ())),
    ("partners", "Partner corner", "Sales material and programme rules for partners.", ((), (), ("partner",))),
]  # fmt: skip

# section, slug, title, summary, audience (products, regions, roles)
ARTICLES = [
    ("getting-started", "portal-tour", "A tour of the portal", "Where to find articles, the community and your company's data.", ((), (), ())),
    ("getting-started", "reset-password", "Resetting your password", "How to get back in when you forgot your password.", ((), (), ())),
    ("getting-started", "two-factor", "Protect your account with two-factor authentication", "Set up an authenticator app in two minutes.", ((), (), ())),
    ("routers", "r-series-first-setup", "R-series: first setup", "Unpack, connect and configure your R-series router.", (("router-r",), (), ())),
    ("routers", "r100-firmware-update", "R100 firmware update", "Update the R100 firmware safely, with rollback.", (("router-r100",), (), ())),
    ("routers", "r200-vpn", "R200: site-to-site VPN", "Connect two offices with the R200's built-in VPN.", (("router-r200",), (), ())),
    ("routers", "r-series-field-diagnostics", "R-series field diagnostics for technicians", "Reading the LED codes and the diagnostic log on site.", (("router-r",), (), ("technician",))),
    ("routers", "r-series-finnish-4g-operators", "R-series and Finnish 4G operators", "APN settings for Elisa, Telia and DNA.", (("router-r",), ("finland",), ())),
    ("routers", "r-series-nordic-warranty", "Warranty terms in the Nordics", "How warranty claims work in Finland, Sweden and Norway.", (("router-r",), ("nordics",), ())),
    ("switches", "s-series-vlan-basics", "S-series: VLAN basics", "Tagging, trunks and the management VLAN.", (("switch-s",), (), ())),
    ("switches", "s10-poe-budget", "S10 PoE power budget", "How much PoE the S10 can deliver per port and in total.", (("switch-s10",), (), ())),
    ("switches", "s-series-dach-compliance", "S-series compliance notes for DACH", "CE, WEEE and the German Elektro- und Elektronikgerätegesetz.", (("switch-s",), ("dach",), ())),
    ("partners", "partner-price-list-2027", "Partner price list 2027", "Net prices and volume discounts for partners.", (("switch-s",), ("dach",), ("partner",))),
    ("partners", "partner-programme-rules", "Partner programme rules", "Tiers, certification and deal registration.", ((), (), ("partner",))),
]  # fmt: skip

BODY = (
    "<p>{summary}</p><p>This article explains the steps in order. If something does not work "
    "as described, check the troubleshooting notes at the end or ask in the community.</p>"
    "<ol><li>Read the whole guide once.</li><li>Prepare the tools and the access you need.</li>"
    "<li>Follow the steps and check the result after each one.</li></ol>"
)


class Command(BaseCommand):
    help = "Create or update the demo data and the demo personas (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--full",
            action="store_true",
            help="the whole help centre (some 260 articles; `make run` asks for it)",
        )

    def handle(self, *args, **options):
        with transaction.atomic():
            self._taxonomy()
            self._organisations()
            self._personas()
            self._knowledge()
            # Each app adds its own demo data (knowledge, community, account modules).
            for app_demo in (
                knowledge_demo,
                community_demo,
                moderation_demo,
                accounts_demo,
                commerce_demo,
                learning_demo,
                support_demo,
            ):
                app_demo.seed(stdout=self.stdout)
            knowledge_demo.seed_help_centre(stdout=self.stdout, full=options.get("full", False))
        self.stdout.write(self.style.SUCCESS("Demo data is in place. Sign in with:"))
        for persona in PERSONAS:
            self.stdout.write(f"  {persona.email:<26} {persona.who}")
        self.stdout.write(f"Password for all: {DEMO_PASSWORD}")

    def _taxonomy(self):
        for model, rows in ((Product, PRODUCTS), (Region, REGIONS)):
            for slug, name, parent in rows:
                model.objects.update_or_create(
                    slug=slug,
                    defaults={
                        "name": name,
                        "parent": model.objects.get(slug=parent) if parent else None,
                    },
                )
        for slug, name in ROLES:
            Role.objects.update_or_create(slug=slug, defaults={"name": name})

    def _organisations(self):
        for (
            name,
            business_id,
            klass,
            products,
            regions,
            city,
            country,
            external_id,
        ) in ORGANISATIONS:
            org, _ = Organisation.objects.update_or_create(
                external_id=external_id,
                defaults={
                    "name": name,
                    "business_id": business_id,
                    "membership_class": klass,
                    "visiting_city": city,
                    "visiting_country": country,
                    "billing_city": city,
                    "billing_country": country,
                },
            )
            org.products.set(Product.objects.filter(slug__in=products))
            org.regions.set(Region.objects.filter(slug__in=regions))

    def _personas(self):
        from allauth.account.models import EmailAddress

        for p in PERSONAS:
            # An existing persona keeps whatever password and MFA it was given since.
            user = User.objects.filter(email=p.email).first()
            if user is None:
                user = User.objects.create_user(email=p.email, password=DEMO_PASSWORD)
            user.first_name, user.last_name, user.language = p.first_name, p.last_name, p.language
            user.is_staff, user.is_superuser, user.is_active = p.staff, p.superuser, True
            user.save()
            EmailAddress.objects.update_or_create(
                user=user, email=p.email, defaults={"verified": True, "primary": True}
            )
            if p.group:
                user.groups.add(self._staff_group(p.group))
            if p.organisation:
                membership_set(
                    user=user,
                    organisation=Organisation.objects.get(name=p.organisation),
                    roles=Role.objects.filter(slug__in=p.roles),
                    is_admin_contact=p.admin_contact,
                )

    @staticmethod
    def _staff_group(name: str) -> Group:
        """Wagtail's Editors/Moderators groups (its migrations make them, with page permissions);
        recreated with admin access if someone deleted them."""
        group, created = Group.objects.get_or_create(name=name)
        if created:
            group.permissions.add(
                Permission.objects.get(
                    content_type__app_label="wagtailadmin", codename="access_admin"
                )
            )
        return group

    def _knowledge(self):
        root = knowledge_root()
        sections = {}
        for slug, title, intro, aud in SECTIONS:
            sections[slug] = self._page(root, SectionPage, slug, aud, title=title, intro=intro)
        for section, slug, title, summary, aud in ARTICLES:
            body = [("paragraph", BODY.format(summary=summary))]
            self._page(
                sections[section], ArticlePage, slug, aud, title=title, summary=summary, body=body
            )

    def _page(self, parent, model, slug, aud, **fields):
        """Create the page if it is missing; an existing one keeps whatever editors made of it."""
        page = model.objects.child_of(parent).filter(slug=slug).first()
        if page is None:
            page = model(slug=slug, **fields)
            self._set_audience(page, aud)
            parent.add_child(instance=page)
            page.save_revision().publish()
        return page

    @staticmethod
    def _set_audience(page, aud):
        products, regions, roles = aud
        page.audience_products = list(Product.objects.filter(slug__in=products))
        page.audience_regions = list(Region.objects.filter(slug__in=regions))
        page.audience_roles = list(Role.objects.filter(slug__in=roles))
