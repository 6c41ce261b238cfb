from django.utils.functional import SimpleLazyObject


def portal_settings(request):
    """`PORTAL_SETTINGS` for the footer: cached, and only read when a template uses it."""
    from accounts.selectors import portal_settings as read

    user = getattr(request, "user", None)
    return {"PORTAL_SETTINGS": SimpleLazyObject(lambda: read(user))}
