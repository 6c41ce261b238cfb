"""API keys in the Wagtail admin: staff create (the key is shown once), edit and revoke."""

from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.widgets.button import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, SnippetViewSet

from integrations import services
from integrations.forms import ApiKeyForm
from integrations.models import ApiKey


class ApiKeyCreateView(CreateView):
    """Saves through the service, then shows the new key once instead of redirecting."""

    def save_instance(self):
        api_key = self.form.instance
        self.plain_key = services.api_key_issue(api_key=api_key, by=self.request.user)
        return api_key

    def save_action(self):
        return TemplateResponse(
            self.request,
            "integrations/admin/key_created.html",
            {
                "api_key": self.object,
                "plain_key": self.plain_key,
                "index_url": reverse(self.index_url_name),
                "page_title": _("API key created"),
            },
        )


class ApiKeyViewSet(SnippetViewSet):
    model = ApiKey
    icon = "key"
    menu_label = gettext_lazy("API keys")
    menu_order = 265
    add_to_admin_menu = True
    add_view_class = ApiKeyCreateView
    copy_view_enabled = False
    list_display = ["name", "prefix", "scopes", "created_at", "last_used_at", "revoked_at"]
    search_fields = ["name", "prefix"]
    edit_handler = ObjectList(
        [FieldPanel("name"), FieldPanel("scopes")], base_form_class=ApiKeyForm
    )


register_snippet(ApiKeyViewSet)


def revoke_view(request, pk: int):
    if not request.user.has_perm("integrations.change_apikey"):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    api_key = get_object_or_404(ApiKey, pk=pk)
    if request.method == "POST":
        services.api_key_revoke(api_key=api_key, by=request.user)
        messages.success(request, _("API key “%(name)s” revoked.") % {"name": api_key.name})
        return redirect("wagtailsnippets_integrations_apikey:list")
    return TemplateResponse(
        request,
        "integrations/admin/key_revoke.html",
        {"api_key": api_key, "page_title": _("Revoke API key")},
    )


@hooks.register("register_admin_urls")
def api_key_admin_urls():
    return [path("api-keys/<int:pk>/revoke/", revoke_view, name="integrations_apikey_revoke")]


@hooks.register("register_snippet_listing_buttons")
def api_key_revoke_button(snippet, user, next_url=None):
    if (
        isinstance(snippet, ApiKey)
        and snippet.is_active
        and user.has_perm("integrations.change_apikey")
    ):
        yield Button(
            _("Revoke"),
            reverse("integrations_apikey_revoke", args=[snippet.pk]),
            priority=50,
        )


@hooks.register("register_settings_menu_item")
def api_docs_menu_item():
    from wagtail.admin.menu import MenuItem

    return MenuItem(
        gettext_lazy("API documentation"), reverse("api_docs"), icon_name="code", order=900
    )
