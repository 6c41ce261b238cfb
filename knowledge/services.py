"""Writes of the knowledge app."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, Site

from hub import taxonomy
from hub.audience import DIMENSIONS
from hub.models import Audience, Product, Region, Role

log = logging.getLogger(__name__)

_TREES = {"products": Product, "regions": Region, "roles": Role}
DIMENSION_LABELS = {"products": _("products"), "regions": _("regions"), "roles": _("roles")}


@transaction.atomic
def knowledge_root():
    """The knowledge root, created (as the default site's root) when missing. A migration
    creates it on install; this also restores it after a database flush (tests, resets)."""
    from knowledge.models import KnowledgeIndexPage

    root = KnowledgeIndexPage.objects.first()
    if root is not None:
        return root
    tree_root = Page.get_first_root_node()
    root = tree_root.add_child(
        instance=KnowledgeIndexPage(
            title="Knowledge",
            slug="knowledge",
            intro="Help articles, guides and news for your products.",
        )
    )
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", root_page=root, is_default_site=True, site_name="Kumppani"
        )
    else:
        site.root_page = root
        site.save(update_fields=["root_page"])
    return root


# --- The effective audience ------------------------------------------------------------------
#
# Per dimension: a page with no terms of its own inherits its parent section's effective set; a
# page with terms of its own gets the meet of them and the parent's set — each of its own terms
# that lies within (is, or is below) one of the parent's, and each of the parent's terms that
# lies below one of its own. So an article can never be wider than its section. The editor form
# refuses own terms outside the section (`audience_narrowing_errors`), so for pages edited
# there the effective set is simply the own set or the inherited one.


def _within(tree, term: int, of: frozenset[int]) -> bool:
    return term in of or bool(tree.ancestors(term) & of) if tree else term in of


def _meet(dim: str, own: frozenset[int], parent: frozenset[int]) -> frozenset[int]:
    if not own:
        return parent
    if not parent:
        return own
    tree = taxonomy.tree(_TREES[dim]) if dim != "roles" else None
    met = frozenset(t for t in own if _within(tree, t, parent)) | frozenset(
        t for t in parent if _within(tree, t, own)
    )
    if not met:
        # Only reachable when a section was narrowed by a script past its pages' own terms
        # (the editor refuses that): keep the page inside its section.
        log.warning("audience of a page lies outside its section (%s); using the section's", dim)
        return parent
    return met


def effective_audience_of(own: Audience, parent: Audience | None) -> Audience:
    parent = parent or Audience()
    return Audience(
        **{dim: _meet(dim, getattr(own, dim), getattr(parent, dim)) for dim in DIMENSIONS}
    )


def own_audience(page) -> Audience:
    """The audience tagged on the page itself, as stored (or as assigned, before saving)."""
    return Audience(
        **{
            dim: frozenset(t.pk for t in getattr(page, f"audience_{dim}").all())
            for dim in DIMENSIONS
        }
    )


def parent_audience(page) -> Audience | None:
    """The effective audience of the page's parent, None when the parent has no audience."""
    from knowledge.models import AudiencePage

    parent = page.get_parent() if page.pk else None
    parent = parent.specific if parent is not None else None
    return parent.audience() if isinstance(parent, AudiencePage) else None


def page_audience_sync(*, page) -> None:
    """Store the effective audience of `page` and, when it changed, of every page below it (in
    tree order, so each reads its parent's fresh set). Changes reach the search index through
    the m2m signals."""
    from knowledge.models import AudiencePage

    with transaction.atomic():
        effective = effective_audience_of(own_audience(page), parent_audience(page))
        if effective == page.audience():
            # The pages below depend only on their own terms and this page's set: unchanged.
            return
        _store_effective(page, effective)
        by_path = {page.path: effective}
        for descendant in page.get_descendants().specific().order_by("path"):
            if not isinstance(descendant, AudiencePage):
                continue
            inherited = by_path.get(descendant.path[: -descendant.steplen])
            effective = effective_audience_of(own_audience(descendant), inherited)
            _store_effective(descendant, effective)
            by_path[descendant.path] = effective


def _store_effective(page, effective: Audience) -> None:
    for dim in DIMENSIONS:
        getattr(page, f"effective_{dim}").set(sorted(getattr(effective, dim)))
    # Drop any prefetched copy so audience() reads what was just stored.
    cache = getattr(page, "_prefetched_objects_cache", None)
    if cache:
        for dim in DIMENSIONS:
            cache.pop(f"effective_{dim}", None)


def audience_narrowing_errors(*, parent, own: Audience) -> dict[str, ValidationError]:
    """Per dimension, an error when the page's own terms reach outside its parent's effective
    audience. Used by the editor form."""
    from knowledge.models import AudiencePage

    parent = parent.specific if parent is not None else None
    if not isinstance(parent, AudiencePage):
        return {}
    inherited = parent.audience()
    errors = {}
    for dim in DIMENSIONS:
        allowed, mine = getattr(inherited, dim), getattr(own, dim)
        if not allowed or not mine:
            continue
        tree = taxonomy.tree(_TREES[dim]) if dim != "roles" else None
        outside = [t for t in mine if not _within(tree, t, allowed)]
        if outside:
            names = ", ".join(sorted(str(t) for t in _TREES[dim].objects.filter(pk__in=outside)))
            errors[f"audience_{dim}"] = ValidationError(
                _(
                    "The section is limited in %(dimension)s; this page cannot be wider than its "
                    "section. Outside the section: %(terms)s."
                ),
                params={"dimension": DIMENSION_LABELS[dim], "terms": names},
                code="wider_than_section",
            )
    return errors


# --- Feedback --------------------------------------------------------------------------------


@transaction.atomic
def article_feedback_set(*, page, user, helpful: bool, comment: str = ""):
    """Record (or change) the person's vote on the article. The caller has checked that the
    person may see the article."""
    from knowledge.models import ArticleFeedback

    feedback, _created = ArticleFeedback.objects.update_or_create(
        page=page, user=user, defaults={"helpful": helpful, "comment": comment.strip()[:2000]}
    )
    return feedback


# --- Subscriptions ---------------------------------------------------------------------------


@transaction.atomic
def subscription_set(*, page, user, subscribed: bool) -> bool:
    """Follow (or stop following) a section or an article. The caller has checked that the
    person may see it. Returns whether the person now follows it."""
    from knowledge.models import Subscription

    if subscribed:
        Subscription.objects.get_or_create(user=user, page_id=page.pk)
    else:
        Subscription.objects.filter(user=user, page_id=page.pk).delete()
    return subscribed


def subscribers_to_notify(*, page, kind: str, actor=None) -> list:
    """Who hears about `page`: for a new article the followers of its sections (any level up),
    for an update the followers of the article; only people who may see it, never the actor."""
    from hub import audience
    from knowledge.models import SectionPage, Subscription

    if kind == "knowledge.published":
        followed = SectionPage.objects.filter(path__in=_ancestor_paths(page)).values("pk")
        subscriptions = Subscription.objects.filter(page_id__in=followed)
    else:
        subscriptions = Subscription.objects.filter(page_id=page.pk)
    people = {s.user.pk: s.user for s in subscriptions.select_related("user")}
    return [
        user
        for user in people.values()
        if user.is_active
        and (actor is None or user.pk != actor.pk)
        and audience.visible_to(user, page)
    ]


def _ancestor_paths(page) -> list[str]:
    return [page.path[:end] for end in range(page.steplen, len(page.path), page.steplen)]


def notify_subscribers(*, page, revision=None, actor=None) -> int:
    """Called when an article is published: new (first publication) → the followers of its
    sections; an update → the followers of the article."""
    try:
        from notifications.services import notify
    except ImportError:  # the notifications app is not there (yet)
        return 0
    from django.utils.translation import gettext

    actor = actor or getattr(revision, "user", None)
    first = page.first_published_at is None or page.first_published_at == page.last_published_at
    kind = "knowledge.published" if first else "knowledge.updated"
    recipients = subscribers_to_notify(page=page, kind=kind, actor=actor)
    if not recipients:
        return 0
    if first:
        title = gettext("New article: %(title)s") % {"title": page.title}
    else:
        title = gettext("Article updated: %(title)s") % {"title": page.title}
    return notify(recipients, kind=kind, title=title, url=page.url, body=page.summary, actor=actor)
