from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from accounts.models import Membership, Organisation, PortalProfile


class OrganisationViewSet(SnippetViewSet):
    model = Organisation
    icon = "home"
    list_display = ["name", "business_id", "membership_class", "external_id"]
    list_filter = ["membership_class"]
    search_fields = ["name", "business_id", "external_id"]
    panels = [
        FieldPanel("name"),
        FieldPanel("business_id"),
        FieldPanel("membership_class"),
        FieldPanel("products"),
        FieldPanel("regions"),
        FieldPanel("billing_street"),
        FieldPanel("billing_postal_code"),
        FieldPanel("billing_city"),
        FieldPanel("billing_country"),
        FieldPanel("visiting_street"),
        FieldPanel("visiting_postal_code"),
        FieldPanel("visiting_city"),
        FieldPanel("visiting_country"),
        FieldPanel("external_id"),
    ]


class MembershipViewSet(SnippetViewSet):
    model = Membership
    icon = "user"
    list_display = ["user", "organisation", "is_admin_contact", "portal_profile"]
    list_filter = ["is_admin_contact", "organisation"]
    panels = [
        FieldPanel("user"),
        FieldPanel("organisation"),
        FieldPanel("roles"),
        FieldPanel("is_admin_contact"),
        FieldPanel("portal_profile"),
    ]


class PortalProfileViewSet(SnippetViewSet):
    model = PortalProfile
    icon = "cog"
    panels = [FieldPanel("name"), FieldPanel("slug")]


class CustomersGroup(SnippetViewSetGroup):
    menu_label = _("Customers")
    menu_icon = "group"
    menu_order = 250
    items = (OrganisationViewSet, MembershipViewSet, PortalProfileViewSet)


register_snippet(CustomersGroup)
