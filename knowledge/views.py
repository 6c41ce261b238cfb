import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail import views as wagtail_views
from wagtail.models import Page

from hub import audience
from knowledge import feeds, page_cache, selectors
from knowledge.forms import ViewAsForm
from knowledge.models import ArticlePage, AudiencePage
from knowledge.services import article_feedback_set, subscription_set


def serve(request, path):
    """Wagtail's page view, with the audience-keyed page cache in front (page_cache.py)."""
    cached = page_cache.lookup(request, path)
    if cached is not None:
        return cached
    response = wagtail_views.serve(request, path)
    page_cache.store_after_render(request, response)
    return response


@require_POST
def article_feedback(request, page_id: int):
    page = get_object_or_404(ArticlePage, pk=page_id)
    if not audience.visible_to(request.user, page):
        raise Http404
    helpful = request.POST.get("helpful")
    if helpful not in ("yes", "no"):
        return redirect(page.url)
    article_feedback_set(
        page=page,
        user=request.user,
        helpful=helpful == "yes",
        comment=request.POST.get("comment", ""),
    )
    return redirect(f"{page.url}#feedback")


def _subscribable(page_id: int, user):
    page = get_object_or_404(Page, pk=page_id).specific
    if not isinstance(page, AudiencePage) or page.page_cache_kind not in ("article", "section"):
        raise Http404
    if not audience.visible_to(user, page):
        raise Http404
    return page


@require_POST
def subscribe(request, page_id: int):
    """Subscribe to (or, with `subscribed=0`, unsubscribe from) a section or an article."""
    page = _subscribable(page_id, request.user)
    wanted = request.POST.get("subscribed", "1") != "0"
    subscription_set(page=page, user=request.user, subscribed=wanted)
    if wanted:
        messages.success(request, _("Subscribed: you will be told about changes here."))
    else:
        messages.success(request, _("Unsubscribed."))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = page.url
    return redirect(back)


def subscriptions(request):
    """The sections and articles the person follows (those they may still see)."""
    items = selectors.subscriptions_of(request.user)
    page_obj = Paginator(items, 20).get_page(request.GET.get("page"))
    return render(request, "knowledge/subscriptions.html", {"subscriptions": page_obj})


# Feed readers cannot sign in: the private token in the URL is the authentication.
news_feed = login_not_required(feeds.NewsFeed())


# --- "View as" (editors) -----------------------------------------------------------------------


def _require_editor(request):
    user = request.user
    if not (user.is_authenticated and user.is_staff and user.has_perm("wagtailadmin.access_admin")):
        raise PermissionDenied


def view_as(request, page_id: int | None = None):
    """An editor sees the knowledge root, a section or an article as a customer with the
    chosen product, region and role would: the same page code and templates, fed a synthetic
    person (hub.audience.SyntheticPerson). Never cached; never for customers (403)."""
    from knowledge.models import KnowledgeIndexPage, SectionPage
    from knowledge.services import knowledge_root

    _require_editor(request)
    base_url = reverse("knowledge:view_as")
    if page_id is None:
        # The chooser: pick the person (and come back here to change them).
        try:
            start = Page.objects.get(pk=int(request.GET.get("page_id", ""))).specific
        except (ValueError, Page.DoesNotExist):
            start = knowledge_root()
        return _view_as_chooser(request, ViewAsForm(initial=request.GET.dict()), start)
    page = get_object_or_404(Page, pk=page_id).specific
    if not isinstance(page, (KnowledgeIndexPage, SectionPage, ArticlePage)):
        raise Http404
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    form = ViewAsForm(request.GET)
    if not form.is_valid():
        return _view_as_chooser(request, form, page, status=400)
    person = audience.SyntheticPerson(form.reach())
    query = urlencode({k: v for k, v in request.GET.items() if k in form.fields and v})
    view_as_context = {
        "label": form.label(),
        "base_url": base_url,
        "query": query,
        "change_url": f"{base_url}?{urlencode({**request.GET.dict(), 'page_id': page.pk})}",
    }
    if isinstance(page, AudiencePage) and not audience.visible_to(person, page):
        response = render(
            request,
            "knowledge/view_as_hidden.html",
            {"page": page, "view_as": view_as_context},
        )
    else:
        real_user = request.user
        request.user = person
        try:
            context = page.get_context(request)
        finally:
            request.user = real_user
        context.update(view_as=view_as_context, view_as_user=person)
        response = render(request, page.get_template(request), context)
    patch_cache_control(response, private=True, no_store=True)
    return response


def _view_as_chooser(request, form, page, status: int = 200):
    response = render(
        request,
        "knowledge/view_as.html",
        {"form": form, "target": page, "action": reverse("knowledge:view_as_page", args=[page.pk])},
        status=status,
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


def original_image(request, name: str):
    """An original image, only for staff (whom the audience rule lets see everything); readers
    get renditions (`image`)."""
    from django.core.exceptions import SuspiciousFileOperation
    from django.core.files.storage import default_storage

    if not audience.reach_of(request.user).everything:
        raise Http404
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    try:
        handle = default_storage.open(name, "rb")
    except (FileNotFoundError, IsADirectoryError, SuspiciousFileOperation):
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    patch_cache_control(response, private=True, max_age=3600)
    return response


def image(request, name: str):
    """An image rendition, only for people who may see content that uses the image."""
    from wagtail.images import get_image_model

    rendition_model = get_image_model().get_rendition_model()
    rendition = get_object_or_404(rendition_model.objects.select_related("image"), file=name)
    if not selectors.image_visible_to(request.user, rendition.image):
        raise Http404
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    try:
        handle = rendition.file.storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    patch_cache_control(response, private=True, max_age=3600)
    return response
