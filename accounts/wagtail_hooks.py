from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.admin.widgets.button import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from accounts.models import (
    Membership,
    Office,
    Organisation,
    PortalProfile,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from accounts.modules import EDITABLE_FIELDS, MODULES, edit_flag, module_flag


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
    list_display = ["name", "slug"]
    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        MultiFieldPanel(
            [FieldPanel(module_flag(m)) for m in MODULES], heading=_("Modules this profile shows")
        ),
        MultiFieldPanel(
            [
                FieldPanel(edit_flag(module, group))
                for module, groups in EDITABLE_FIELDS.items()
                for group in groups
            ],
            heading=_("Fields this profile may edit"),
        ),
    ]


class OfficeViewSet(SnippetViewSet):
    model = Office
    icon = "site"
    list_display = ["name", "organisation", "city", "country"]
    list_filter = ["organisation"]
    search_fields = ["name", "city"]


class WebhookEndpointViewSet(SnippetViewSet):
    model = WebhookEndpoint
    icon = "link-external"
    list_display = ["name", "url", "is_active", "event_types"]
    panels = [
        FieldPanel("name"),
        FieldPanel("url"),
        FieldPanel("secret"),
        FieldPanel("is_active"),
        FieldPanel("event_types"),
    ]


class WebhookEventViewSet(SnippetViewSet):
    """The outbox, read as a log; staff re-send an event from its row."""

    model = WebhookEvent
    icon = "mail"
    list_display = ["event_type", "organisation", "created_at", "idempotency_key"]
    list_filter = ["event_type"]
    inspect_view_enabled = True
    panels = [FieldPanel("event_type", read_only=True), FieldPanel("payload", read_only=True)]


class WebhookDeliveryViewSet(SnippetViewSet):
    model = WebhookDelivery
    icon = "list-ul"
    list_display = ["event", "endpoint", "attempt", "succeeded", "status_code", "attempted_at"]
    list_filter = ["succeeded", "endpoint"]
    inspect_view_enabled = True
    panels = [FieldPanel("error", read_only=True)]


class IntegrationGroup(SnippetViewSetGroup):
    menu_label = _("Integration")
    menu_icon = "link-external"
    menu_order = 260
    items = (WebhookEndpointViewSet, WebhookEventViewSet, WebhookDeliveryViewSet)


@hooks.register("register_snippet_listing_buttons")
def webhook_resend_button(snippet, user, next_url=None):
    if isinstance(snippet, WebhookEvent) and user.is_staff:
        yield Button(
            _("Re-send"), reverse("accounts:webhook_resend", args=[snippet.pk]), priority=50
        )


class CustomersGroup(SnippetViewSetGroup):
    menu_label = _("Customers")
    menu_icon = "group"
    menu_order = 250
    items = (OrganisationViewSet, MembershipViewSet, PortalProfileViewSet, OfficeViewSet)


register_snippet(CustomersGroup)
register_snippet(IntegrationGroup)
