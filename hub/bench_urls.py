"""The URL configuration `manage.py bench` runs under: the site plus a bare view to compare
with (signed in, through every middleware, doing nothing)."""

from django.http import HttpResponse
from django.urls import path

from hub.urls import urlpatterns as site_urlpatterns


def bare(request):
    return HttpResponse("ok")


urlpatterns = [path("_bench/bare/", bare), *site_urlpatterns]
