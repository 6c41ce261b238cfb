"""Writes of the knowledge app."""

import logging
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext, ngettext
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


# --- Telling followers -----------------------------------------------------------------------
#
# Publishing an article writes one SubscriberNotice row (in the publishing transaction when
# there is one; Wagtail's own publish runs in autocommit, so the row follows the page at once);
# after commit `knowledge.tasks.deliver_subscriber_notices` tells the followers (beat retries
# what is left). So publishing costs the same however many people follow, the audience check
# runs over everyone at once (`audience.prime_reaches`), and each person reads the title in
# their own language. An import holds the per-page rows back and writes one summary instead.

PUBLISHED, UPDATED, IMPORTED = "knowledge.published", "knowledge.updated", "knowledge.imported"

_notices_held: ContextVar[bool] = ContextVar("knowledge_subscriber_notices_held", default=False)


@contextmanager
def subscriber_notices_held():
    """Inside this block publishing an article tells nobody: an import publishes hundreds of
    pages and sends one summary afterwards (`import_announce`)."""
    token = _notices_held.set(True)
    try:
        yield
    finally:
        _notices_held.reset(token)


def notify_subscribers(*, page, revision=None, actor=None):
    """Called when an article is published (the page_published signal). Writes the outbox row
    (in the caller's transaction, if any) and queues its delivery after commit: a first
    publication for the followers of the article's sections (any level up), an update for the
    followers of the article. Who is told is decided at delivery, by what they may see then.
    Returns the row, or None while notices are held."""
    from knowledge.models import SubscriberNotice

    if _notices_held.get():
        return None
    actor = actor or getattr(revision, "user", None)
    first = page.first_published_at is None or page.first_published_at == page.last_published_at
    notice = SubscriberNotice.objects.create(
        kind=PUBLISHED if first else UPDATED, page_id=page.pk, actor=actor
    )
    _schedule_notice_delivery()
    return notice


@transaction.atomic
def import_announce(*, section, added_ids, updated_ids, actor=None):
    """After an import that published pages: one outbox row for the whole import, so that each
    follower of the section, of a section above or below it, or of an article it changed hears
    once ("N articles added and M updated"), counting only what they may see. Returns the row,
    or None when the import published nothing."""
    from knowledge.models import SubscriberNotice

    if not added_ids and not updated_ids:
        return None
    notice = SubscriberNotice.objects.create(
        kind=IMPORTED,
        page_id=section.pk,
        actor=actor,
        added_page_ids=sorted(set(added_ids)),
        updated_page_ids=sorted(set(updated_ids) - set(added_ids)),
    )
    _schedule_notice_delivery()
    return notice


def _schedule_notice_delivery() -> None:
    from knowledge.tasks import deliver_subscriber_notices_task
    from notifications.outbox import queue_delivery_on_commit

    queue_delivery_on_commit(deliver_subscriber_notices_task)


def subscriber_notices_deliver(*, limit: int = 500) -> int:
    """Deliver waiting follower notices (notifications.outbox); returns how many were delivered."""
    from knowledge.models import SubscriberNotice
    from notifications.outbox import deliver_rows

    return deliver_rows(SubscriberNotice, _deliver_notice, select_related=("actor",), limit=limit)


def _deliver_notice(row) -> int:
    """Tell the followers of one notice who may see it, never the actor: the people in one
    query, their reaches in bulk, one notify per language (and, for an import, per count).
    Returns how many were told."""
    if row.kind == IMPORTED:
        return _deliver_import(row)
    if row.kind not in (PUBLISHED, UPDATED):
        raise ValueError(f"unknown subscriber notice kind {row.kind!r}")
    from hub import audience
    from knowledge.models import ArticlePage, SectionPage, Subscription

    page = (
        ArticlePage.objects.prefetch_related(*ArticlePage.audience_prefetch())
        .filter(pk=row.page_id)
        .first()
    )
    if page is None or not page.live:  # unpublished before delivery: nobody hears of it
        return 0
    if row.kind == PUBLISHED:
        followed = SectionPage.objects.filter(path__in=_ancestor_paths(page)).values("pk")
        subscriptions = Subscription.objects.filter(page_id__in=followed)
    else:
        subscriptions = Subscription.objects.filter(page_id=page.pk)
    people = _people(subscriptions.values("user_id"), actor_id=row.actor_id)
    audience.prime_reaches(people)
    groups: dict[str, list] = {}
    for person in people:
        if audience.visible_to(person, page):
            groups.setdefault(_language_of(person), []).append(person)

    from notifications.services import notify

    url, told = page.url, 0
    for language, recipients in sorted(groups.items()):
        with translation.override(language):
            if row.kind == PUBLISHED:
                title = gettext("New article: %(title)s") % {"title": page.title}
            else:
                title = gettext("Article updated: %(title)s") % {"title": page.title}
        told += notify(
            recipients, kind=row.kind, title=title, url=url, body=page.summary, actor=row.actor
        )
    return told


def _deliver_import(row) -> int:
    """One summary per follower of the import's section (or of a section above it): the
    articles it added and updated that the person may see; a follower of a section or an
    article below it counts only what lies there. Visibility is decided once per person and
    distinct audience (an import's pages mostly share one)."""
    from hub import audience
    from knowledge.models import ArticlePage, SectionPage, Subscription

    section = (
        SectionPage.objects.prefetch_related(*SectionPage.audience_prefetch())
        .filter(pk=row.page_id)
        .first()
    )
    if section is None:
        return 0
    added = set(row.added_page_ids)
    pages = list(
        ArticlePage.objects.filter(pk__in=[*row.added_page_ids, *row.updated_page_ids], live=True)
        .only("pk", "path", "live")
        .prefetch_related(*ArticlePage.audience_prefetch())
    )
    if not pages:
        return 0
    by_audience: dict[Audience, list] = {}
    for page in pages:
        by_audience.setdefault(page.audience(), []).append(page)
    # (added, all) per audience, for the many who follow the whole import
    totals = {
        key: (sum(1 for page in group if page.pk in added), len(group))
        for key, group in by_audience.items()
    }

    step = section.steplen
    above = [section.path[:end] for end in range(step, len(section.path) + 1, step)]
    followed: dict[int, set[str]] = {}
    subscriptions = Subscription.objects.filter(
        Q(page__path__in=above) | Q(page__path__startswith=section.path)
    )
    for user_id, path in subscriptions.values_list("user_id", "page__path"):
        followed.setdefault(user_id, set()).add(path)
    people = _people(list(followed), actor_id=row.actor_id)
    audience.prime_reaches(people)

    groups: dict[tuple[str, int, int], list] = {}
    for person in people:
        if not audience.visible_to(person, section):
            continue
        seen = [key for key, group in by_audience.items() if audience.visible_to(person, group[0])]
        paths = followed[person.pk]
        if any(section.path.startswith(path) for path in paths):
            new, total = (sum(totals[key][i] for key in seen) for i in (0, 1))
        else:  # only parts of it: what lies below the pages followed
            counted = [
                page
                for key in seen
                for page in by_audience[key]
                if any(page.path.startswith(path) for path in paths)
            ]
            new, total = sum(1 for page in counted if page.pk in added), len(counted)
        if total:
            groups.setdefault((_language_of(person), new, total - new), []).append(person)

    from notifications.services import notify

    url, told = section.url, 0
    for (language, new, changed), recipients in sorted(groups.items()):
        with translation.override(language):
            title = _import_title(new, changed, section.title)
        told += notify(
            recipients, kind=PUBLISHED if new else UPDATED, title=title, url=url, actor=row.actor
        )
    return told


def _import_title(added: int, updated: int, section: str) -> str:
    """The summary's title in the active language."""
    if added and updated:
        return ngettext(
            "%(added)d article added and %(updated)d updated in “%(section)s”",
            "%(added)d articles added and %(updated)d updated in “%(section)s”",
            added,
        ) % {"added": added, "updated": updated, "section": section}
    if added:
        return ngettext(
            "%(count)d article added in “%(section)s”",
            "%(count)d articles added in “%(section)s”",
            added,
        ) % {"count": added, "section": section}
    return ngettext(
        "%(count)d article updated in “%(section)s”",
        "%(count)d articles updated in “%(section)s”",
        updated,
    ) % {"count": updated, "section": section}


def _people(user_ids, *, actor_id) -> list:
    """The active people among `user_ids` (ids or a values subquery), less the actor."""
    from accounts.models import User

    people = User.objects.filter(pk__in=user_ids, is_active=True)
    if actor_id is not None:
        people = people.exclude(pk=actor_id)
    return list(people)


def _language_of(user) -> str:
    known = {code for code, _label in settings.LANGUAGES}
    return user.language if user.language in known else settings.LANGUAGE_CODE


def _ancestor_paths(page) -> list[str]:
    return [page.path[:end] for end in range(page.steplen, len(page.path), page.steplen)]
