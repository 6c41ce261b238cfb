from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from accounts.permissions import can_invite
from accounts.selectors import memberships_of
from hub import dashboard, health, selectors


def home(request):
    """The personal dashboard."""
    return render(
        request,
        "hub/home.html",
        {
            "memberships": memberships_of(request.user),
            "articles": selectors.dashboard_articles(request.user),
            "can_invite": can_invite(request.user),
            "panels": dashboard.panels_for(request),
        },
    )


@login_not_required
@never_cache
@require_GET
def healthz(request):
    healthy, body = health.run()
    return JsonResponse(body, status=200 if healthy else 503)


def to_portal(url_name: str):
    """A public redirect to one of the portal's own account pages, keeping ?next=."""

    @login_not_required
    def redirect_view(request):
        if request.user.is_authenticated and url_name == "account_login":
            # Signed in yet sent to sign in (the admin does this for people without access):
            # sending them on would loop, since the sign-in page returns them to ?next=.
            raise PermissionDenied
        target = reverse(url_name)
        query = request.GET.urlencode()
        return redirect(f"{target}?{query}" if query else target)

    return redirect_view


@login_not_required
@require_POST
def set_language(request):
    """Django's language switch, also on the sign-in page (before anyone is signed in)."""
    return django_set_language(request)
