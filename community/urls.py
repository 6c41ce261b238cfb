from django.urls import path

from community import views

app_name = "community"

urlpatterns = [
    path("", views.index, name="index"),
    path("latest/", views.topic_list, {"show": "latest"}, name="latest"),
    path("unanswered/", views.topic_list, {"show": "unanswered"}, name="unanswered"),
    path("solved/", views.topic_list, {"show": "solved"}, name="solved"),
    path("mine/", views.topic_list, {"show": "mine"}, name="mine"),
    path("bookmarks/", views.topic_list, {"show": "bookmarks"}, name="bookmarks"),
    path("similar/", views.similar, name="similar"),
    path("c/<slug:slug>/", views.category, name="category"),
    path("c/<slug:slug>/new/", views.new_topic, name="new_topic"),
    path("c/<slug:slug>/watch/", views.watch_category, name="watch_category"),
    path("t/<int:pk>/", views.topic, name="topic"),
    path("t/<int:pk>/reply/", views.reply, name="reply"),
    path("t/<int:pk>/watch/", views.watch_topic, name="watch_topic"),
    path("t/<int:pk>/bookmark/", views.bookmark, name="bookmark"),
    path("t/<int:pk>/promote/", views.promote, name="promote"),
    path("p/<int:pk>/edit/", views.edit_post, name="edit_post"),
    path("p/<int:pk>/history/", views.history, name="history"),
    path("p/<int:pk>/accept/", views.accept, name="accept"),
    path("p/<int:pk>/vote/", views.vote, name="vote"),
    path("p/<int:pk>/like/", views.like, name="like"),
    path("img/<int:pk>/", views.image, name="image"),
]
