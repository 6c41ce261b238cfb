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
    path("details/", views.details, name="details"),
    path("details/consents/", views.consents, name="consents"),
    path("details/export/", views.export_request, name="export_request"),
    path("details/export/<str:token>/", views.export_download, name="export_download"),
    path("details/forget/", views.forget, name="forget"),
    path("details/forget/cancel/", views.forget_cancel, name="forget_cancel"),
    path("company/", views.company, name="company"),
    path("offices/", views.offices, name="offices"),
    path("offices/add/", views.office_form, name="office_add"),
    path("offices/<int:pk>/", views.office_form, name="office_edit"),
    path("offices/<int:pk>/delete/", views.office_delete, name="office_delete"),
    path("colleagues/", views.colleagues, name="colleagues"),
    path("colleagues/<int:pk>/profile/", views.colleague_profile, name="colleague_profile"),
    path(
        "colleagues/<int:pk>/deactivate/", views.colleague_deactivate, name="colleague_deactivate"
    ),
    path(
        "colleagues/<int:pk>/reactivate/", views.colleague_reactivate, name="colleague_reactivate"
    ),
    path("webhooks/events/<int:pk>/resend/", views.webhook_resend, name="webhook_resend"),
    # Reached without signing in (the person has no account yet).
    path("join/<str:token>/", views.accept, name="accept"),
]
