"""/api/…: the JSON API (hub/api.py) at /api/v1/, its OpenAPI schema and documentation."""

from django.urls import path

from hub.api import api
from integrations import views

urlpatterns = [
    path("v1/", api.urls),
    path("openapi.json", views.openapi_json, name="api_schema"),
    path("docs", views.docs, name="api_docs"),
]
