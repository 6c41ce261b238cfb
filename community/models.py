"""The forum: categories (with an audience) → topics (question or discussion) → posts."""

from django.conf import settings
from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from modelcluster.models import ClusterableModel
from taggit.managers import TaggableManager
from wagtail.admin.panels import FieldPanel

from hub import audience
from hub.models import AudienceMixin
from hub.search.registry import searchable
from notifications.models import OutboxRow

SEARCH_BODY_LIMIT = 20000


def _image_storage():
    from community.storage import post_image_storage

    return post_image_storage


class Category(AudienceMixin, ClusterableModel):
    """A forum category. Its audience is the audience of every topic in it."""

    AUDIENCE_LIVE_FIELD = None

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True, max_length=1000)
    position = models.PositiveIntegerField(_("position"), default=0)
    product = models.ForeignKey(
        "hub.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("position"),
        FieldPanel("product"),
    ] + AudienceMixin.audience_panels

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("forum category")
        verbose_name_plural = _("forum categories")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("community:category", args=[self.slug])


class TopicKind(models.TextChoices):
    QUESTION = "question", _("Question")
    DISCUSSION = "discussion", _("Discussion")


@searchable("topic")
class Topic(models.Model):
    wagtail_reference_index_ignore = True  # forum content links nothing editors manage
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="topics"
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=TopicKind.choices, default=TopicKind.QUESTION
    )
    title = models.CharField(_("title"), max_length=200)
    # The language it was written in (the writer's interface language): search tokenises by it.
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="community_topics",
    )
    product = models.ForeignKey(
        "hub.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    tags = TaggableManager(verbose_name=_("tags"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    reply_count = models.PositiveIntegerField(_("replies"), default=0)
    view_count = models.PositiveIntegerField(_("views"), default=0)
    # The question (or opening post) itself; set by topic_create in the same transaction.
    first_post = models.ForeignKey(
        "Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_post = models.ForeignKey(
        "Post",
        verbose_name=_("accepted answer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_locked = models.BooleanField(_("locked"), default=False)
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    is_deleted = models.BooleanField(_("deleted"), default=False)
    # A draft knowledge article made from this topic ("promote to article", staff only).
    article = models.ForeignKey(
        "knowledge.ArticlePage",
        verbose_name=_("article"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-is_pinned", "-last_activity_at", "-pk"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        indexes = [
            models.Index(
                fields=["category", "-is_pinned", "-last_activity_at"],
                name="community_topic_category_list",
            ),
            models.Index(fields=["-last_activity_at"], name="community_topic_latest"),
            # Keyset pagination: (last_activity_at, id) seeks, in a category or across all.
            models.Index(
                fields=["category", "-last_activity_at", "-id"], name="community_topic_seek_cat"
            ),
            models.Index(fields=["-last_activity_at", "-id"], name="community_topic_seek"),
            models.Index(fields=["author", "-last_activity_at"], name="community_topic_author"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("community:topic", args=[self.pk])

    @property
    def is_question(self) -> bool:
        return self.kind == TopicKind.QUESTION

    @property
    def is_solved(self) -> bool:
        return self.accepted_post_id is not None

    # --- search protocol (hub/search) ---------------------------------------------------------

    @classmethod
    def search_queryset(cls):
        return cls.objects.select_related("category", "first_post").prefetch_related(
            *(f"category__{name}" for name in Category.audience_prefetch()),
            "tags",
            Prefetch(
                "posts",
                queryset=Post.objects.filter(is_hidden=False, is_deleted=False).order_by(
                    "created_at", "pk"
                ),
                to_attr="visible_posts",
            ),
        )

    @classmethod
    def search_fallback(cls, user, query: str):
        """The database search used while Meilisearch is unreachable."""
        return (
            cls.objects.filter(audience.q_for(user, Category, prefix="category__"))
            .filter(is_hidden=False, is_deleted=False)
            .filter(Q(title__icontains=query) | Q(first_post__text__icontains=query))
            .select_related("first_post")
            .order_by("-last_activity_at", "pk")
        )

    def excerpt(self) -> str:
        text = self.first_post.text if self.first_post_id else ""
        return Truncator(text).chars(240)

    def search_hit(self) -> dict:
        return {"title": self.title, "url": self.get_absolute_url(), "excerpt": self.excerpt()}

    def search_document(self) -> dict | None:
        if self.is_hidden or self.is_deleted:
            return None
        posts = getattr(self, "visible_posts", None)
        if posts is None:
            posts = list(
                self.posts.filter(is_hidden=False, is_deleted=False).order_by("created_at", "pk")
            )
        body = "\n".join(p.text for p in posts)[:SEARCH_BODY_LIMIT]
        answers = len(posts) - (1 if self.first_post_id else 0)
        return {
            "title": self.title,
            "excerpt": self.excerpt(),
            "body": body,
            "url": self.get_absolute_url(),
            "language": self.language or "en",
            **audience.document_fields(self.category),
            "tags": sorted(t.name for t in self.tags.all()),
            "solved": self.is_solved,
            "answer_count": max(answers, 0),
            "published_at": int(self.created_at.timestamp()),
            "updated_at": int(self.last_activity_at.timestamp()),
            "popularity": self.reply_count + (self.first_post.score if self.first_post_id else 0),
        }


class Post(models.Model):
    """One post. `html` is produced only by community.markdown.render_markdown."""

    wagtail_reference_index_ignore = True  # forum content links nothing editors manage
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="posts"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="community_posts",
    )
    source = models.TextField(_("text"))
    html = models.TextField(editable=False)
    text = models.TextField(editable=False)
    render_version = models.PositiveSmallIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    is_deleted = models.BooleanField(_("deleted"), default=False)
    score = models.IntegerField(_("score"), default=0)
    like_count = models.PositiveIntegerField(_("likes"), default=0)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        indexes = [models.Index(fields=["topic", "created_at"], name="community_post_topic")]

    def __str__(self) -> str:
        return Truncator(self.text).chars(60)


class Vote(models.Model):
    wagtail_reference_index_ignore = True  # forum content links nothing editors manage

    class Value(models.IntegerChoices):
        UP = 1, _("Up")
        DOWN = -1, _("Down")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    value = models.SmallIntegerField(choices=Value.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="community_vote_once"),
            models.CheckConstraint(condition=Q(value__in=[1, -1]), name="community_vote_value"),
        ]

    def __str__(self) -> str:
        return f"{self.value:+d}"


class PostRevision(models.Model):
    """The source of a post as it was before an edit."""

    wagtail_reference_index_ignore = True  # forum content links nothing editors manage
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    source = models.TextField()
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.post_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class Like(models.Model):
    """One like per person and post; Post.like_count is kept in the same transaction."""

    wagtail_reference_index_ignore = True
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="community_like_once")]

    def __str__(self) -> str:
        return f"{self.user_id} likes {self.post_id}"


class Bookmark(models.Model):
    """A person's bookmark of a topic ("my bookmarks")."""

    wagtail_reference_index_ignore = True
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="bookmarks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["topic", "user"], name="community_bookmark_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} bookmarked {self.topic_id}"


class CategoryWatch(models.Model):
    """A person watches a category: told of its new topics, replies and accepted answers."""

    wagtail_reference_index_ignore = True
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="watches")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["category", "user"], name="community_catwatch_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} watches {self.category_id}"


class TopicWatch(models.Model):
    """A person's choice for one topic: watching (also set automatically when they post), or
    not watching (an explicit "stop watching", which also silences a watched category)."""

    wagtail_reference_index_ignore = True
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="watches")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    watching = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["topic", "user"], name="community_topicwatch_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {'watches' if self.watching else 'ignores'} {self.topic_id}"


class Handle(models.Model):
    """A person's @handle for mentions: their e-mail local part, lower-cased, with a number
    added when another person has it already. Given the first time someone mentions them by
    an unambiguous local part, or when they post."""

    wagtail_reference_index_ignore = True
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_handle"
    )
    handle = models.CharField(max_length=40, unique=True)

    def __str__(self) -> str:
        return f"@{self.handle}"


class PostImage(models.Model):
    """An image uploaded for a post: verified and re-encoded by Pillow (metadata stripped),
    stored outside MEDIA_ROOT and served only through `community:image`, which checks the
    post's audience (before the post exists, only the uploader sees it)."""

    wagtail_reference_index_ignore = True
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="images"
    )
    file = models.FileField(storage=_image_storage, upload_to="posts/%Y/%m/")
    content_type = models.CharField(max_length=40)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.file.name

    def get_absolute_url(self) -> str:
        return reverse("community:image", args=[self.pk])


class Announcement(OutboxRow):
    """An outbox row: something watchers (and the people mentioned) must be told of. Written in
    the same transaction as the post, topic or accepted answer; `community.tasks` delivers it
    after commit and deletes it. It keeps what the titles are built from (the kind, the actor,
    the topic), not a title, so that each person reads it in their own language. A row that
    failed stays, with its attempts and error, for the retry."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    mentioned_user_ids = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.topic_id}/{self.post_id}"
