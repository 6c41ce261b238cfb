from django.urls import path

from community import views

app_name = "community"

urlpatterns = [
    path("", views.index, name="index"),
    path("c/<slug:slug>/", views.category, name="category"),
    path("c/<slug:slug>/new/", views.new_topic, name="new_topic"),
    path("t/<int:pk>/", views.topic, name="topic"),
    path("t/<int:pk>/reply/", views.reply, name="reply"),
    path("p/<int:pk>/edit/", views.edit_post, name="edit_post"),
    path("p/<int:pk>/accept/", views.accept, name="accept"),
    path("p/<int:pk>/vote/", views.vote, name="vote"),
]
