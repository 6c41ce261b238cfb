from django.urls import path

from moderation import views

app_name = "moderation"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("log/", views.log, name="log"),
    path("notices/", views.notices, name="notices"),
    path("flag/<int:pk>/", views.flag, name="flag"),
    path("post/<int:pk>/<slug:action>/", views.post_action, name="post_action"),
    path("topic/<int:pk>/<slug:action>/", views.topic_action, name="topic_action"),
    path("member/<int:pk>/", views.member, name="member"),
    path("member/<int:pk>/<slug:action>/", views.member_action, name="member_action"),
    path("restriction/<int:pk>/lift/", views.lift, name="lift"),
]
