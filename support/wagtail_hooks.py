"""Staff answer support requests in the Wagtail admin: a listing (filters, search) and an
answer page with the thread, a reply form and a status switch. Customers open requests, so the
admin has no "add"; "edit" is the answer page (every change goes through the services)."""

from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets.button import Button
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, EditView, SnippetViewSet

from support import admin_views
from support.models import SupportRequest


class _NoAddPolicy(ModelPermissionPolicy):
    def user_has_permission(self, user, action):
        return action != "add" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return super().user_has_any_permission(user, [a for a in actions if a != "add"])


register_permission_policy(SupportRequest, _NoAddPolicy(SupportRequest), exact_class=True)


class _ToAnswer(EditView):
    def dispatch(self, request, *args, **kwargs):
        return redirect("support_admin:answer", kwargs["pk"])


class _NoCreate(CreateView):
    def dispatch(self, request, *args, **kwargs):
        return redirect("wagtailsnippets_support_supportrequest:list")


class SupportRequestViewSet(SnippetViewSet):
    model = SupportRequest
    icon = "help"
    menu_label = _("Support requests")
    menu_order = 240
    add_to_admin_menu = True
    list_display = ["__str__", "organisation", "requester", "status", "last_activity_at"]
    list_filter = ["status"]
    list_per_page = 50
    search_fields = ["subject"]
    search_backend_name = None
    edit_view_class = _ToAnswer
    add_view_class = _NoCreate
    copy_view_enabled = False

    def get_queryset(self, request):
        return SupportRequest.objects.select_related("organisation", "requester")


register_snippet(SupportRequestViewSet)


@hooks.register("register_snippet_listing_buttons")
def answer_button(snippet, user, next_url=None):
    if isinstance(snippet, SupportRequest) and user.is_staff:
        yield Button(_("Answer"), reverse("support_admin:answer", args=[snippet.pk]), priority=5)


@hooks.register("register_admin_urls")
def support_admin_urls():
    return [
        path(
            "support-requests/",
            include(
                (
                    [path("<int:pk>/", admin_views.answer, name="answer")],
                    "support_admin",
                )
            ),
        )
    ]
