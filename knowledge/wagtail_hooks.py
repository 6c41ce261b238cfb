from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.signals import post_page_move

from hub import audience
from hub.models import AudienceMixin


@hooks.register("before_serve_page")
def enforce_audience(page, request, serve_args, serve_kwargs):
    """Our rule, not Wagtail's page privacy, decides who may see a page. The served copy keeps
    its audience and view restrictions, read once: Wagtail's check of the restrictions (after
    this hook), the page's own parts (related articles) and the page cache read them again."""
    from knowledge.models import AudiencePage

    specific = page.specific
    if isinstance(specific, AudiencePage):
        specific.keep_for_serving()
    if isinstance(specific, AudienceMixin) and not audience.visible_to(request.user, specific):
        raise Http404


@hooks.register("before_serve_document")
def enforce_document_audience(document, request):
    """A document outside the person's audience does not exist for them."""
    if not audience.visible_to(request.user, document):
        raise Http404


def _page_moved(sender, instance, **kwargs):
    """A moved page takes its new section's audience (and passes it on to its children)."""
    from knowledge.models import AudiencePage
    from knowledge.services import page_audience_sync

    page = instance.specific
    if isinstance(page, AudiencePage):
        page_audience_sync(page=page)


post_page_move.connect(_page_moved, dispatch_uid="knowledge-audience-on-move")


@hooks.register("register_admin_menu_item")
def view_as_menu_item():
    """An editor's "view as": the knowledge hub as a customer with chosen terms sees it."""
    return MenuItem(
        _("View as customer"), reverse("knowledge:view_as"), icon_name="view", order=250
    )
