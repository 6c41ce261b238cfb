"""Wagtail's front-end URLs with the page view in front of them that serves cached pages
(knowledge/page_cache.py). Included by hub/urls.py in place of `wagtail.urls`."""

from django.urls import re_path
from wagtail import urls as wagtail_urls

from knowledge.views import serve

urlpatterns = [
    re_path(pattern.pattern.regex.pattern, serve, name="wagtail_serve")
    if getattr(pattern, "name", None) == "wagtail_serve"
    else pattern
    for pattern in wagtail_urls.urlpatterns
]
