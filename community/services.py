"""Writes for the forum. Each runs in one transaction: the post, the topic's counters and the
search outbox row commit together (the drain is queued after commit by search_enqueue)."""

import io
import logging
import re
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from community.markdown import RENDER_VERSION, mention_candidates, render_markdown
from community.models import (
    Announcement,
    Bookmark,
    Category,
    CategoryWatch,
    Handle,
    Like,
    Post,
    PostImage,
    PostRevision,
    Topic,
    TopicKind,
    TopicWatch,
    Vote,
)
from hub.search.services import search_enqueue
from moderation.trust import check_posting_allowed

log = logging.getLogger(__name__)

MAX_BODY_LENGTH = 20_000
MAX_TITLE_LENGTH = 200


def clean_body(body: str | None) -> str:
    """The body as it will be stored, or ValidationError (keyed "body") saying what is wrong."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write something before posting.")})
    if "\x00" in body:
        raise ValidationError({"body": _("The text contains characters that cannot be saved.")})
    if len(body) > MAX_BODY_LENGTH:
        raise ValidationError(
            {
                "body": _(
                    "A post can be at most %(max)s characters long; this one has %(length)s. "
                    "Shorten it or split it into two posts."
                )
                % {"max": f"{MAX_BODY_LENGTH:,}", "length": f"{len(body):,}"}
            }
        )
    return body


def _clean_title(title: str | None) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"title": _("Give your topic a title.")})
    if len(title) > MAX_TITLE_LENGTH:
        raise ValidationError(
            {"title": _("A title can be at most %(max)s characters.") % {"max": MAX_TITLE_LENGTH}}
        )
    return title


# --- @mentions -----------------------------------------------------------------------------
#
# A person's handle is their e-mail local part, lower-cased ("anna" for anna@aurora.example),
# with a number added when someone else holds it already ("anna2"). Handles are stored
# (community.Handle) the first time they are needed: when the person posts, or when someone
# writes @<local part> and exactly one active person has that local part. A mention links (and
# notifies) only a person who may see the topic; anyone else stays plain text.

_HANDLE_CHARS = re.compile(r"[^a-z0-9._-]+")


def _handle_base(user) -> str:
    local = (user.email or "").split("@", 1)[0].lower()
    base = _HANDLE_CHARS.sub("", local).strip("._-")[:30]
    return base or f"member{user.pk}"


def handle_for(user) -> str:
    """The person's handle, created on first use (unique; a number added on a clash)."""
    found = Handle.objects.filter(user=user).values_list("handle", flat=True).first()
    if found:
        return found
    base = _handle_base(user)
    for n in range(1, 1000):
        candidate = base if n == 1 else f"{base}{n}"
        try:
            with transaction.atomic():
                Handle.objects.create(user=user, handle=candidate)
        except IntegrityError:
            found = Handle.objects.filter(user=user).values_list("handle", flat=True).first()
            if found:
                return found
            continue
        return candidate
    raise RuntimeError("no free handle")  # pragma: no cover


def mention_url(handle: str) -> str:
    return f"{reverse('community:latest')}?author={handle}"


def resolve_mentions(source: str, *, topic: Topic) -> dict[str, object]:
    """{handle: person} for the @handles in `source` that name a person who may see `topic`."""
    from accounts.models import User
    from community import permissions
    from hub import audience

    wanted = mention_candidates(source)
    if not wanted:
        return {}
    found = {
        h.handle: h.user
        for h in Handle.objects.filter(handle__in=wanted, user__is_active=True).select_related(
            "user"
        )
    }
    for local in wanted - set(found):
        # An e-mail local part names a person only when exactly one active person has it.
        people = list(
            User.objects.filter(email__istartswith=f"{local}@", is_active=True).exclude(
                community_handle__isnull=False
            )[:2]
        )
        if len(people) == 1 and handle_for(people[0]) == local:
            found[local] = people[0]
    _with_audience(topic)
    audience.prime_reaches(found.values())
    return {h: u for h, u in found.items() if permissions.can_view_topic(u, topic)}


def _with_audience(topic: Topic) -> Topic:
    """Read the category's audience once for the many per-person checks that follow."""
    category = topic.category
    if "audience_products" not in getattr(category, "_prefetched_objects_cache", {}):
        topic.category = Category.objects.prefetch_related(*Category.audience_prefetch()).get(
            pk=topic.category_id
        )
    return topic


def _rendered(body: str, *, topic: Topic):
    people = resolve_mentions(body, topic=topic)
    rendered = render_markdown(body, mentions={h: mention_url(h) for h in people})
    fields = {
        "source": body,
        "html": rendered.html,
        "text": rendered.text,
        "render_version": RENDER_VERSION,
    }
    return fields, {people[h] for h in rendered.mentions}


# --- images --------------------------------------------------------------------------------

IMAGE_MAX_BYTES = 5 * 1024 * 1024
IMAGE_MAX_PIXELS = 25_000_000  # e.g. 5000 x 5000
IMAGE_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp", "GIF": "image/gif"}
_IMAGE_REF = re.compile(r"/community/img/(\d+)/")


def _image_error(message: str) -> ValidationError:
    return ValidationError({"image": message})


def post_image_upload(*, uploader, upload) -> PostImage:
    """Verify an upload with Pillow (a PNG, JPEG, WebP or GIF within the size and pixel limits),
    re-encode it (which drops EXIF/GPS and any other metadata) and store it privately. Raises
    ValidationError keyed "image" with a message for the person."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    size = getattr(upload, "size", None) or 0
    if size > IMAGE_MAX_BYTES:
        raise _image_error(
            _("The image is too large (%(size)s MB); the limit is %(max)s MB.")
            % {"size": f"{size / 1024 / 1024:.1f}", "max": IMAGE_MAX_BYTES // 1024 // 1024}
        )
    data = upload.read(IMAGE_MAX_BYTES + 1)
    if len(data) > IMAGE_MAX_BYTES:
        raise _image_error(
            _("The image is too large; the limit is %(max)s MB.")
            % {"max": IMAGE_MAX_BYTES // 1024 // 1024}
        )
    unreadable = _("This file is not an image we can use: upload a PNG, JPEG, WebP or GIF.")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            width, height = probe.size
            if fmt not in IMAGE_FORMATS:
                raise _image_error(unreadable)
            if width * height > IMAGE_MAX_PIXELS:
                raise _image_error(
                    _(
                        "The image is %(width)s x %(height)s pixels; the limit is %(max)s "
                        "megapixels. Scale it down and try again."
                    )
                    % {"width": width, "height": height, "max": IMAGE_MAX_PIXELS // 1_000_000}
                )
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            animated = fmt in ("GIF", "WEBP") and getattr(image, "n_frames", 1) > 1
            out = io.BytesIO()
            if animated:
                image.save(out, format=fmt, save_all=True)
            else:
                image = ImageOps.exif_transpose(image)
                if fmt == "JPEG" and image.mode not in ("RGB", "L"):
                    image = image.convert("RGB")
                image.save(out, format=fmt)  # no exif=, no pnginfo=: metadata is not copied
            width, height = image.size
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise _image_error(unreadable) from None
    extension = {"JPEG": "jpg"}.get(fmt, fmt.lower())
    image_row = PostImage(
        uploader=uploader,
        content_type=IMAGE_FORMATS[fmt],
        width=width,
        height=height,
        size=out.tell(),
    )
    image_row.file.save(f"image.{extension}", ContentFile(out.getvalue()), save=False)
    image_row.save()
    return image_row


def _attach_images(post: Post) -> None:
    """Images the author uploaded and the post references now belong to the post (and so are
    shown to whoever may see it)."""
    ids = {int(i) for i in _IMAGE_REF.findall(post.source)}
    if ids:
        PostImage.objects.filter(pk__in=ids, uploader_id=post.author_id, post=None).update(
            post=post
        )


ORPHAN_IMAGE_HOURS = 24


def post_images_remove_orphans(*, hours: int = ORPHAN_IMAGE_HOURS, batch: int = 500) -> int:
    """Remove images uploaded more than `hours` ago that no post took (the person left the
    form): rows now, files once that commits. Rows a post is taking at this moment are locked
    and skipped. Returns how many were removed."""
    cutoff = timezone.now() - timedelta(hours=hours)
    removed = 0
    while True:
        with transaction.atomic():
            images = list(
                PostImage.objects.select_for_update(skip_locked=True)
                .filter(post=None, created_at__lt=cutoff)
                .order_by("pk")[:batch]
            )
            if not images:
                return removed
            PostImage.objects.filter(pk__in=[i.pk for i in images]).delete()
            files = [(i.file.storage, i.file.name) for i in images if i.file.name]
            transaction.on_commit(lambda files=files: _delete_files(files))
        removed += len(images)
        if len(images) < batch:
            return removed


def _delete_files(files) -> None:
    for storage, name in files:
        try:
            storage.delete(name)
        except OSError as exc:  # the row is gone; a stray file is only disk space
            log.warning("post image file %s not removed: %s", name, exc)


# --- watching and notifications ------------------------------------------------------------
#
# A post, a new topic or an accepted answer writes one Announcement row in its own transaction;
# after commit `community.tasks.deliver_announcements` tells the people (beat retries what is
# left). So a request costs the same however many people watch, and each person's title is in
# their own language.

ANNOUNCEMENT_KINDS = ("community.topic", "community.reply", "community.accepted")
MENTION_KIND = "community.mention"


def _title(kind: str, *, actor, topic_title: str) -> str:
    """The notification's title in the active language (the catalogues' msgids)."""
    if kind == MENTION_KIND:
        return _("%(name)s mentioned you in “%(topic)s”") % {
            "name": _name(actor),
            "topic": topic_title,
        }
    if kind == "community.topic":
        return _("New topic: %(topic)s") % {"topic": topic_title}
    if kind == "community.reply":
        return _("New reply in “%(topic)s”") % {"topic": topic_title}
    if kind == "community.accepted":
        return _("An answer was accepted in “%(topic)s”") % {"topic": topic_title}
    raise ValueError(f"unknown announcement kind {kind!r}")


def _watchers_q(topic: Topic, *, category_only: bool = False) -> Q:
    """People watching the topic or its category, less those who stopped watching the topic."""
    by_category = Q(
        pk__in=CategoryWatch.objects.filter(category_id=topic.category_id).values("user_id")
    )
    watching = TopicWatch.objects.filter(topic=topic)
    by_category &= ~Q(pk__in=watching.filter(watching=False).values("user_id"))
    if category_only:
        return by_category
    return Q(pk__in=watching.filter(watching=True).values("user_id")) | by_category


def _name(user) -> str:
    return user.display_name


def _auto_watch(topic: Topic, user) -> None:
    """Posting in a topic watches it, unless the person chose to stop watching it."""
    TopicWatch.objects.get_or_create(topic=topic, user=user, defaults={"watching": True})


def _announce(*, topic: Topic, post: Post | None, actor, kind: str, mentioned=()) -> None:
    """Write the outbox row (in the caller's transaction) and queue its delivery after
    commit. Who is told is decided at delivery, by what they may see then."""
    Announcement.objects.create(
        kind=kind,
        topic=topic,
        post=post,
        actor=actor,
        mentioned_user_ids=sorted({p.pk for p in mentioned if p.pk != actor.pk}),
    )
    _schedule_delivery()


def _schedule_delivery() -> None:
    from community.tasks import deliver_announcements_task
    from notifications.outbox import queue_delivery_on_commit

    queue_delivery_on_commit(deliver_announcements_task)


def announcements_deliver(*, limit: int = 500) -> int:
    """Deliver waiting announcements (notifications.outbox); returns how many were delivered."""
    from notifications.outbox import deliver_rows

    return deliver_rows(Announcement, _deliver, select_related=("actor", "post"), limit=limit)


def _deliver(row: Announcement) -> int:
    """Tell the people of one announcement: those mentioned (who may see the post) as a
    mention, then the watchers who may see it, never the actor, nobody twice. One query for
    the people, their reaches in bulk, one notify per kind and language. Returns how many."""
    from accounts.models import User
    from community import permissions
    from hub import audience

    if row.kind not in (*ANNOUNCEMENT_KINDS, MENTION_KIND):
        raise ValueError(f"unknown announcement kind {row.kind!r}")
    topic = (
        Topic.objects.select_related("category")
        .prefetch_related(*(f"category__{name}" for name in Category.audience_prefetch()))
        .get(pk=row.topic_id)
    )
    post, actor = row.post, row.actor
    if post is not None:
        post.topic = topic
    mentioned_ids = {int(pk) for pk in row.mentioned_user_ids}

    wanted = Q(pk__in=mentioned_ids)
    if row.kind != MENTION_KIND:
        wanted |= _watchers_q(topic, category_only=row.kind == "community.topic")
    if row.kind == "community.accepted" and post is not None:
        wanted |= Q(pk=post.author_id)  # the answer's author hears of it, watching or not
    people = list(User.objects.filter(wanted, is_active=True).exclude(pk=actor.pk))
    audience.prime_reaches(people)
    if post is not None:
        people = [p for p in people if permissions.can_view_post(p, post)]
    else:
        people = [p for p in people if permissions.can_view_topic(p, topic)]

    groups: dict[tuple[str, str], list] = {}
    for person in people:
        kind = MENTION_KIND if person.pk in mentioned_ids else row.kind
        groups.setdefault((kind, _user_language(person)), []).append(person)

    from notifications.services import notify

    url = topic.get_absolute_url() + (f"#post-{post.pk}" if post is not None else "")
    body = Truncator(post.text if post is not None else "").chars(200)
    told = 0
    # Mentions first (each person is told once: as mentioned, or as a watcher).
    for (kind, language), recipients in sorted(
        groups.items(), key=lambda item: (item[0][0] != MENTION_KIND, item[0])
    ):
        with translation.override(language):
            title = _title(kind, actor=actor, topic_title=topic.title)
        told += notify(recipients, kind=kind, title=title, url=url, body=body, actor=actor)
    return told


def _user_language(user) -> str:
    known = {code for code, _label in settings.LANGUAGES}
    return user.language if user.language in known else settings.LANGUAGE_CODE


@transaction.atomic
def category_watch_set(*, category: Category, user, watching: bool) -> None:
    if watching:
        CategoryWatch.objects.get_or_create(category=category, user=user)
    else:
        CategoryWatch.objects.filter(category=category, user=user).delete()


@transaction.atomic
def topic_watch_set(*, topic: Topic, user, watching: bool) -> None:
    """Watch, or stop watching (remembered, so that a watched category stays quiet for it)."""
    TopicWatch.objects.update_or_create(topic=topic, user=user, defaults={"watching": watching})


def _language(code: str | None) -> str:
    from django.utils.translation import get_language

    known = {c for c, _name in settings.LANGUAGES}
    for candidate in (code, (get_language() or "").split("-")[0]):
        if candidate in known:
            return candidate
    return settings.LANGUAGE_CODE


@transaction.atomic
def topic_create(
    *,
    category: Category,
    author,
    kind: str,
    title: str,
    body: str,
    product=None,
    tags: Iterable[str] = (),
    language: str | None = None,
) -> Topic:
    """A topic with its opening post. Raises ValidationError (title, body, kind)."""
    if kind not in TopicKind.values:
        raise ValidationError({"kind": _("Choose a question or a discussion.")})
    title = _clean_title(title)
    body = clean_body(body)
    check_posting_allowed(author, body)
    now = timezone.now()
    topic = Topic.objects.create(
        category=category,
        kind=kind,
        title=title,
        author=author,
        product=product if product is not None else category.product,
        language=_language(language),
        created_at=now,
        last_activity_at=now,
    )
    fields, mentioned = _rendered(body, topic=topic)
    post = Post.objects.create(topic=topic, author=author, created_at=now, **fields)
    topic.first_post = post
    topic.save(update_fields=["first_post"])  # the registry's signal enqueues the topic
    tag_names = sorted({t.strip()[:100] for t in tags if t and t.strip()})
    if tag_names:
        topic.tags.set(tag_names)
    _attach_images(post)
    _auto_watch(topic, author)
    _announce(topic=topic, post=post, actor=author, kind="community.topic", mentioned=mentioned)
    return topic


@transaction.atomic
def post_create(*, topic: Topic, author, body: str) -> Post:
    """A reply; bumps the topic's reply count and last activity in the same transaction."""
    body = clean_body(body)
    check_posting_allowed(author, body)
    now = timezone.now()
    fields, mentioned = _rendered(body, topic=topic)
    post = Post.objects.create(topic=topic, author=author, created_at=now, **fields)
    Topic.objects.filter(pk=topic.pk).update(reply_count=F("reply_count") + 1, last_activity_at=now)
    topic.refresh_from_db(fields=["reply_count", "last_activity_at"])
    search_enqueue(topic)
    _attach_images(post)
    _auto_watch(topic, author)
    _announce(topic=topic, post=post, actor=author, kind="community.reply", mentioned=mentioned)
    return post


@transaction.atomic
def post_edit(*, post: Post, by, body: str) -> Post:
    """New source (re-rendered); the previous source is kept as a PostRevision."""
    body = clean_body(body)
    check_posting_allowed(by, body, action="edit")
    if body == post.source:
        return post
    PostRevision.objects.create(post=post, source=post.source, edited_by=by)
    before = mention_candidates(post.source)
    fields, mentioned = _rendered(body, topic=post.topic)
    for name, value in fields.items():
        setattr(post, name, value)
    post.edited_at = timezone.now()
    post.save(update_fields=["source", "html", "text", "render_version", "edited_at"])
    search_enqueue(post.topic)
    _attach_images(post)
    # Only people newly mentioned by the edit are told.
    fresh = [p for p in mentioned if handle_for(p) not in before and p.pk != by.pk]
    if fresh:
        _announce(topic=post.topic, post=post, actor=by, kind=MENTION_KIND, mentioned=fresh)
    return post


@transaction.atomic
def topic_accept_answer(*, topic: Topic, post: Post, by) -> Topic:
    """Marks `post` as the answer to the question (replacing an earlier one)."""
    if not topic.is_question:
        raise ValidationError(_("Only a question can have an accepted answer."))
    if post.topic_id != topic.pk or post.pk == topic.first_post_id:
        raise ValidationError(_("Only a reply to this question can be accepted."))
    if post.is_hidden or post.is_deleted:
        raise ValidationError(_("A hidden post cannot be accepted."))
    if topic.accepted_post_id == post.pk:
        return topic
    topic.accepted_post = post
    topic.save(update_fields=["accepted_post"])  # the registry's signal enqueues the topic
    # The answer's author and the watchers hear of it (never the person who accepted).
    _announce(topic=topic, post=post, actor=by, kind="community.accepted")
    return topic


@transaction.atomic
def post_vote(*, post: Post, user, value: int) -> Post:
    """One vote per person and post: +1, -1, or 0 to take it back. Keeps Post.score equal to the
    sum of the votes (the person's row is locked while it changes)."""
    if value not in (-1, 0, 1):
        raise ValidationError(_("A vote is up or down."))
    if post.author_id == user.pk:
        raise ValidationError(_("You cannot vote on your own post."))
    vote = Vote.objects.select_for_update().filter(post=post, user=user).first()
    old = vote.value if vote else 0
    if value == old:
        return post
    if value == 0:
        vote.delete()
    elif vote is not None:
        vote.value = value
        vote.save(update_fields=["value"])
    else:
        Vote.objects.create(post=post, user=user, value=value)
    Post.objects.filter(pk=post.pk).update(score=F("score") + (value - old))
    post.refresh_from_db(fields=["score"])
    return post


@transaction.atomic
def category_reindex(*, category: Category) -> int:
    """Queue every topic of the category for the search index (after its audience changed: the
    topics' documents carry the category's audience). Returns how many were queued."""
    topics = list(Topic.objects.filter(category=category).only("pk"))
    for topic in topics:
        search_enqueue(topic)
    return len(topics)


def posts_rerender(*, batch: int = 500) -> int:
    """Re-render every post stored by an older renderer (after the allow-list changed), in
    batches of one transaction each; queues their topics for the index. Returns the count."""
    done = 0
    while True:
        with transaction.atomic():
            posts = list(
                Post.objects.select_for_update()
                .filter(render_version__lt=RENDER_VERSION)
                .select_related("topic")
                .order_by("pk")[:batch]
            )
            if not posts:
                return done
            topics = {}
            for post in posts:
                # Mentions are resolved again (nobody is notified: they were when it was new).
                fields, _mentioned = _rendered(post.source, topic=post.topic)
                post.html, post.text = fields["html"], fields["text"]
                post.render_version = RENDER_VERSION
                topics[post.topic_id] = post.topic
            Post.objects.bulk_update(posts, ["html", "text", "render_version"])
            for topic in topics.values():
                search_enqueue(topic)
        done += len(posts)


# --- likes, bookmarks, views ---------------------------------------------------------------


@transaction.atomic
def post_like_toggle(*, post: Post, user) -> bool:
    """Like the post, or take the like back; Post.like_count follows in the same transaction.
    Returns whether the person now likes it."""
    if post.author_id == user.pk:
        raise ValidationError(_("You cannot like your own post."))
    deleted, _rows = Like.objects.filter(post=post, user=user).delete()
    if deleted:
        Post.objects.filter(pk=post.pk).update(like_count=F("like_count") - 1)
        liked = False
    else:
        try:
            with transaction.atomic():
                Like.objects.create(post=post, user=user)
        except IntegrityError:  # a double click raced us to it: it is liked
            return True
        Post.objects.filter(pk=post.pk).update(like_count=F("like_count") + 1)
        liked = True
    post.refresh_from_db(fields=["like_count"])
    return liked


@transaction.atomic
def topic_bookmark_toggle(*, topic: Topic, user) -> bool:
    """Bookmark the topic or remove the bookmark; returns whether it is bookmarked now."""
    deleted, _rows = Bookmark.objects.filter(topic=topic, user=user).delete()
    if deleted:
        return False
    Bookmark.objects.get_or_create(topic=topic, user=user)
    return True


VIEW_WINDOW_SECONDS = 3600


def topic_view_record(*, topic: Topic, user) -> bool:
    """Count a view once per person and topic per hour. The hour is remembered in the cache
    (Redis), so a reader's later page loads write nothing; the first one is a single
    UPDATE … SET view_count = view_count + 1. Returns whether this view was counted."""
    if not (user and user.is_authenticated):
        return False
    key = f"community:viewed:{topic.pk}:{user.pk}"
    try:
        if not cache.add(key, 1, timeout=VIEW_WINDOW_SECONDS):
            return False
    except Exception as exc:  # a counter must never break the page (the cache may be down)
        log.warning("view count skipped: %s", exc)
        return False
    Topic.objects.filter(pk=topic.pk).update(view_count=F("view_count") + 1)
    return True


# --- promote to article --------------------------------------------------------------------


@transaction.atomic
def topic_promote_to_article(*, topic: Topic, section, by):
    """A DRAFT knowledge article under `section` made from a solved question: the question and
    the accepted answer as rich text, a link back to the topic, and the category's audience as
    its own (so that a partner-only answer does not become public by accident). Editors polish
    and publish it in Wagtail; the topic links to it once it is live."""
    from django.utils.text import slugify
    from wagtail.rich_text import RichText

    from knowledge.models import ArticlePage

    if not topic.is_question or topic.accepted_post_id is None:
        raise ValidationError(_("Only a solved question can become an article."))
    if topic.article_id is not None:
        raise ValidationError(_("This topic already has an article."))
    question, answer = topic.first_post, topic.accepted_post
    link = settings.SITE_URL.rstrip("/") + topic.get_absolute_url()
    base = slugify(topic.title)[:70] or f"topic-{topic.pk}"
    taken = set(section.get_children().values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    article = ArticlePage(
        title=topic.title,
        slug=slug,
        live=False,
        summary=Truncator(question.text).chars(300),
        body=[
            ("heading", _("Question")),
            ("paragraph", RichText(question.html)),
            ("heading", _("Answer")),
            ("paragraph", RichText(answer.html)),
            (
                "paragraph",
                RichText(
                    format_html(
                        '<p>{} <a href="{}">{}</a></p>', _("From the community:"), link, topic.title
                    )
                ),
            ),
        ],
    )
    category = Category.objects.prefetch_related(*Category.audience_prefetch()).get(
        pk=topic.category_id
    )
    article.audience_products.set(list(category.audience_products.all()))
    article.audience_regions.set(list(category.audience_regions.all()))
    article.audience_roles.set(list(category.audience_roles.all()))
    section.add_child(instance=article)
    article.save_revision(user=by, log_action=True)
    topic.article = article
    topic.save(update_fields=["article"])
    return article
