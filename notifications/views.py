from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from notifications import services
from notifications.forms import NotificationSettingsForm
from notifications.registry import label_of

PER_PAGE = 20


def inbox(request):
    page_obj = Paginator(services.inbox(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page_obj": page_obj})


@require_POST
def open_notification(request, pk: int):
    """Mark it read and go where it points (only within this site)."""
    notification = services.mark_read(request.user, pk=pk)
    if notification is None:
        raise Http404
    target = notification.url
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "notifications:inbox"
    return redirect(target)


@require_POST
def mark_all_read(request):
    services.mark_read(request.user)
    messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:inbox")


def notification_settings(request):
    form = NotificationSettingsForm(
        request.POST or None, instance=services.settings_for(request.user)
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {"form": form})


@login_not_required
@csrf_exempt  # RFC 8058 one-click: the mail client POSTs without a CSRF token; the token is the key
def unsubscribe(request, token: str):
    found = services.read_unsubscribe_token(token)
    if found is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=404)
    user, kind = found
    everything = kind == services.DIGEST_KIND or request.POST.get("scope") == "all"
    if request.method == "POST":
        services.unsubscribe(user, kind=None if everything else kind)
        return render(
            request,
            "notifications/unsubscribe.html",
            {"done": True, "everything": everything, "label": label_of(kind)},
        )
    return render(
        request,
        "notifications/unsubscribe.html",
        {"email": user.email, "label": label_of(kind), "digest": kind == services.DIGEST_KIND},
    )
