"""Context for every template."""

from django.conf import settings


def portal(request):
    return {"PORTAL_NAME": settings.WAGTAIL_SITE_NAME}
