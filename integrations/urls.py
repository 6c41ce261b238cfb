"""/api/…: the JSON API (hub/api.py) and its documentation."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
