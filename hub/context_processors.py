"""Context for every template, and what the page chrome (templates/base.html) shows that can
change while the page itself does not: the unread count in the header and the portal settings
(support contact) in the footer. Each is read once per request, when first asked for, from what
the request read ahead (hub/cache.py); a page kept as rendered for a person
(knowledge/page_cache.py) counts only while `Chrome.state()` is unchanged."""

import functools
from contextlib import contextmanager
from functools import cached_property

from django.conf import settings
from django.utils.crypto import salted_hmac
from django.utils.functional import SimpleLazyObject

_CSRF_HOLE_ATTR = "_kumppani_csrf_hole"


@functools.cache
def csrf_hole() -> str:
    """Stands in for the request's CSRF token in HTML kept for later requests (the chrome's
    fragments, a person's kept page); the request's own token goes in on every use. The same in
    every process of a deployment, and no content can contain it by chance."""
    return "csrf" + salted_hmac("kumppani.csrf-hole", "hole").hexdigest()[:40]


@contextmanager
def csrf_holes(request):
    """`with csrf_holes(request): response.render()`: the page renders `csrf_hole()` wherever it
    shows the CSRF token."""
    setattr(request, _CSRF_HOLE_ATTR, True)
    try:
        yield
    finally:
        delattr(request, _CSRF_HOLE_ATTR)


class Chrome:
    """The chrome's values for one request (see `chrome`)."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def unread(self) -> int:
        from notifications.services import unread_count

        return unread_count(self.user)

    @cached_property
    def portal_settings(self):
        from accounts.selectors import portal_settings

        return portal_settings()

    def state(self) -> tuple:
        footer = self.portal_settings
        return (
            self.unread,
            footer.portal_name,
            footer.support_name,
            footer.support_email,
            footer.support_phone,
        )


def chrome(request) -> Chrome:
    """The request's chrome values (made once per request)."""
    found = getattr(request, "_kumppani_chrome", None)
    if found is None:
        found = request._kumppani_chrome = Chrome(getattr(request, "user", None))
    return found


def portal(request):
    values = chrome(request)
    context = {
        "PORTAL_NAME": settings.WAGTAIL_SITE_NAME,
        "PORTAL_SETTINGS": SimpleLazyObject(lambda: values.portal_settings),
    }
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        # A callable: a template reads it only when it shows it.
        context["notifications_unread"] = lambda: values.unread
    if getattr(request, _CSRF_HOLE_ATTR, False):
        context["csrf_token"] = csrf_hole()  # over Django's own (its processor runs first)
    return context
