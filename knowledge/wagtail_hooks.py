from django.http import Http404
from wagtail import hooks

from hub import audience
from hub.models import AudienceMixin


@hooks.register("before_serve_page")
def enforce_audience(page, request, serve_args, serve_kwargs):
    """Our rule, not Wagtail's page privacy, decides who may see a page."""
    specific = page.specific
    if isinstance(specific, AudienceMixin) and not audience.visible_to(request.user, specific):
        raise Http404
