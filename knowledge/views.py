from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from hub import audience
from knowledge import feeds
from knowledge.models import ArticlePage
from knowledge.services import article_feedback_set


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


# Feed readers cannot sign in: the private token in the URL is the authentication.
news_feed = login_not_required(feeds.NewsFeed())
