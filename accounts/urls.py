from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("invitations/", views.invitations, name="invitations"),
    path(
        "invitations/<int:pk>/resend/",
        views.invitation_action,
        {"action": "resend"},
        name="invitation_resend",
    ),
    path(
        "invitations/<int:pk>/revoke/",
        views.invitation_action,
        {"action": "revoke"},
        name="invitation_revoke",
    ),
    # Reached without signing in (the person has no account yet).
    path("join/<str:token>/", views.accept, name="accept"),
]
