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
