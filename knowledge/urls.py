from django.urls import path

from knowledge import views

app_name = "knowledge"
urlpatterns = [
    path("articles/<int:page_id>/feedback/", views.article_feedback, name="article_feedback"),
    path("pages/<int:page_id>/subscription/", views.subscribe, name="subscribe"),
    path("subscriptions/", views.subscriptions, name="subscriptions"),
    path("view-as/", views.view_as, name="view_as"),
    path("view-as/<int:page_id>/", views.view_as, name="view_as_page"),
    path("images/<path:name>", views.image, name="image"),
    path("originals/<path:name>", views.original_image, name="original_image"),
    path("feeds/news/<str:token>/", views.news_feed, name="news_feed"),
]
