from django.urls import path

from support import views
from support.models import Status

app_name = "support"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_new, name="new"),
    path("suggest/", views.suggest, name="suggest"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/reply/", views.request_reply, name="reply"),
    path("<int:pk>/close/", views.request_status, {"status": Status.CLOSED}, name="close"),
    path("<int:pk>/reopen/", views.request_status, {"status": Status.OPEN}, name="reopen"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]
