from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from hub import cache

# Where a staff member without a second factor may still go: setting one up, signing out,
# re-authenticating and confirming e-mail all live under /accounts/.
_MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz", "/i18n/")


class StaffMFARequiredMiddleware:
    """With MFA_REQUIRED_FOR_STAFF on, staff must set up a second factor before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            settings.MFA_REQUIRED_FOR_STAFF
            and user.is_authenticated
            and user.is_staff
            and not request.path.startswith(_MFA_EXEMPT_PREFIXES)
        ):
            from allauth.mfa.models import Authenticator

            if not Authenticator.objects.filter(user=user).exists():
                messages.warning(
                    request,
                    _("Staff accounts need two-factor authentication. Set it up to continue."),
                )
                return redirect("mfa_activate_totp")
        return self.get_response(request)


class ReadAheadMiddleware:
    """One cache round trip, when a signed-in person's request starts, for the small entries of
    theirs that most pages read (hub/cache.py: reading ahead)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with cache.reading_ahead(request):
            return self.get_response(request)
