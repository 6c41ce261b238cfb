from django.urls import path

from knowledge import views

app_name = "knowledge"
urlpatterns = [
    path("articles/<int:page_id>/feedback/", views.article_feedback, name="article_feedback"),
    path("feeds/news/<str:token>/", views.news_feed, name="news_feed"),
]
