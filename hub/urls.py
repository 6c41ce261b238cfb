from django.urls import include, path
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from hub import views

hub_patterns = (
    [path("", views.home, name="home")],
    "hub",
)

urlpatterns = [
    path("", include(hub_patterns)),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("account/", include("accounts.urls")),
    path("account/", include("commerce.urls")),
    path("account/support/", include("support.urls")),
    path("api/", include("integrations.urls")),
    path("notifications/", include("notifications.urls")),
    path("moderation/", include("moderation.urls")),
    path("learning/", include("learning.urls")),
    path("search/", include("hub.search.urls")),
    path("community/", include("community.urls")),
    path("knowledge-hub/", include("knowledge.urls")),
    # Wagtail's own sign-in would bypass allauth (rate limits, MFA): send it to ours.
    path("admin/login/", views.to_portal("account_login"), name="wagtailadmin_login"),
    path(
        "admin/password_reset/",
        views.to_portal("account_reset_password"),
        name="wagtailadmin_password_reset",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Wagtail's page-privacy sign-in (privacy is off; our audience rule decides) goes to ours.
    path("knowledge/_util/login/", views.to_portal("account_login"), name="wagtailcore_login"),
    # Wagtail's page URLs, served through the knowledge hub's audience-keyed page cache.
    path("knowledge/", include("knowledge.serve_urls")),
]
# Nothing serves MEDIA_ROOT: the original images in it leave through knowledge:original_image.
