"""The personal news feed (Atom): authenticated by a private token in its URL, since feed
readers cannot sign in. The token is the person's id signed with the secret key; it is stable,
so the link keeps working, and stops working when the person is deactivated (or SECRET_KEY
changes). The feed applies that person's audience, exactly as the news page does."""

from django.contrib.auth import get_user_model
from django.contrib.syndication.views import Feed
from django.core import signing
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from hub import audience

_SALT = "knowledge.news-feed"
FEED_ITEMS = 30


def feed_token_for(user) -> str:
    # A plain Signer, not signing.dumps (which adds a timestamp): the link must stay the same.
    return signing.Signer(salt=_SALT).sign_object(user.pk)


def feed_url_for(user) -> str | None:
    if not user.is_authenticated:
        return None
    return reverse("knowledge:news_feed", kwargs={"token": feed_token_for(user)})


def user_for_feed_token(token: str):
    """The active person the token was made for, or Http404."""
    try:
        pk = signing.Signer(salt=_SALT).unsign_object(token)
    except signing.BadSignature:
        raise Http404 from None
    user = get_user_model().objects.filter(pk=pk, is_active=True).first()
    if user is None:
        raise Http404
    return user


class NewsFeed(Feed):
    feed_type = Atom1Feed
    title = _("News")
    subtitle = _("News for you from the portal.")

    def get_object(self, request, token):
        return user_for_feed_token(token)

    def link(self, user):
        from knowledge.models import NewsIndexPage

        index = NewsIndexPage.objects.filter(audience.q_for(user, NewsIndexPage)).first()
        return index.url if index else "/"

    def items(self, user):
        from knowledge.models import NewsPage

        return NewsPage.objects.filter(audience.q_for(user, NewsPage)).order_by("-date", "-pk")[
            :FEED_ITEMS
        ]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.url

    def item_pubdate(self, item):
        return item.first_published_at
