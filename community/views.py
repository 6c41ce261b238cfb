"""Thin views: fetch through selectors, check through permissions, write through services."""

import difflib

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from community import permissions, selectors, services
from community.forms import EditPostForm, PostForm, PromoteForm, TopicForm
from community.markdown import render_markdown
from community.models import PostImage, TopicKind
from hub.forms import add_validation_error

TOPICS_PER_PAGE = 30
POSTS_PER_PAGE = 20


def _category(request, slug: str):
    category = selectors.category_for(request.user, slug)
    if category is None:
        raise Http404
    permissions.check_view_category(request.user, category)
    return category


def _topic(request, pk: int):
    topic = selectors.topic_for(request.user, pk)
    if topic is None:
        raise Http404
    permissions.check_view_topic(request.user, topic)
    return topic


def _post(request, pk: int):
    post = selectors.post_for(request.user, pk)
    if post is None:
        raise Http404
    permissions.check_view_post(request.user, post)
    return post


def index(request):
    return render(
        request,
        "community/index.html",
        {"categories": list(selectors.categories_visible_to(request.user))},
    )


SHOW_LABELS = {
    "latest": gettext_lazy("Latest"),
    "unanswered": gettext_lazy("Unanswered"),
    "solved": gettext_lazy("Solved"),
    "mine": gettext_lazy("My topics"),
    "bookmarks": gettext_lazy("My bookmarks"),
}


def _filters(request, *, show: str, category=None) -> selectors.Filters:
    get = request.GET
    if category is None and get.get("category"):
        category = selectors.category_for(request.user, get["category"])
        if category is None:
            raise Http404
    handle = (get.get("author") or "").strip().lower()[:40]
    return selectors.Filters(
        show=show,
        category=category,
        product=(get.get("product") or "").strip()[:80],
        tag=(get.get("tag") or "").strip()[:100],
        author_handle=handle,
        author=selectors.handle_user(handle) if handle else None,
    )


# Links repeated on every row or post of a page are reversed once for the page, not per link.
_PLACEHOLDER = 987654321


def _url_for_each(name: str):
    """`reverse(name, args=[pk])` for many objects at the cost of one reverse: the URL of a
    placeholder id, with each object's id put in its place."""
    head, _, tail = reverse(name, args=[_PLACEHOLDER]).partition(str(_PLACEHOLDER))
    return lambda pk: f"{head}{pk}{tail}"


def _rows(topics) -> list[dict]:
    """A list's topics with what each row shows, made once per page rather than once per row
    in the template: the URLs (one reverse for all the topics, one per category) and the kind."""
    topic_url = _url_for_each("community:topic")
    kinds = {value: str(label) for value, label in TopicKind.choices}
    category_urls: dict[int, str] = {}
    rows = []
    for topic in topics:
        if topic.category_id not in category_urls:
            category_urls[topic.category_id] = topic.category.get_absolute_url()
        rows.append(
            {
                "topic": topic,
                "url": topic_url(topic.pk),
                "category_url": category_urls[topic.category_id],
                "kind": kinds.get(topic.kind, topic.kind),
            }
        )
    return rows


def _feed(request, filters, *, template: str, extra: dict):
    page = selectors.topic_feed(
        request.user, filters, after=request.GET.get("after"), before=request.GET.get("before")
    )
    return render(
        request,
        template,
        {
            "feed": page,
            "rows": _rows(page.topics),
            "pinned_rows": _rows(page.pinned),
            "filters": filters,
            "shows": [(key, str(SHOW_LABELS[key])) for key in selectors.SHOWS],
            "query": filters.query(),
            "older_query": filters.query(after=page.next_cursor) if page.next_cursor else "",
            "newer_query": filters.query(before=page.prev_cursor) if page.prev_cursor else "",
            **extra,
        },
    )


def topic_list(request, show: str = "latest"):
    """Latest, unanswered, solved, my topics, my bookmarks; filtered by category, product,
    tag or author (?category=&product=&tag=&author=), paged by cursor (?after= / ?before=)."""
    if show not in selectors.SHOWS:
        raise Http404
    filters = _filters(request, show=show)
    return _feed(
        request,
        filters,
        template="community/topic_list.html",
        extra={
            "title": SHOW_LABELS[show],
            "categories": list(selectors.categories_visible_to(request.user)),
        },
    )


def category(request, slug: str):
    category = _category(request, slug)
    show = request.GET.get("show", "latest")
    if show not in ("latest", "unanswered", "solved"):
        show = "latest"
    filters = _filters(request, show=show, category=category)
    return _feed(
        request,
        filters,
        template="community/category.html",
        extra={
            "category": category,
            "can_create_topic": permissions.can_create_topic(request.user, category),
            "can_watch": permissions.can_watch_category(request.user, category),
            "watching": selectors.category_watched(request.user, category),
        },
    )


# The links and forms on each post of a topic page.
_POST_URLS = ("vote", "like", "accept", "edit_post", "history")


def _topic_page(request, topic, *, reply_form=None, status=200):
    user = request.user
    paginator = Paginator(selectors.replies(user, topic=topic), POSTS_PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    page_posts = list(page_obj.object_list)
    # One pass over the page's permissions: the topic's audience is checked once, not per post.
    actions = permissions.post_actions(
        user, topic, [p for p in (topic.first_post, topic.accepted_post) if p] + page_posts
    )
    accepted = topic.accepted_post
    if accepted is not None and not actions[accepted.pk].view:
        accepted = None
    shown = [topic.first_post, accepted, *page_posts]
    my_votes = selectors.votes_by(user, shown)
    my_likes = selectors.likes_by(user, shown)
    can_reply = permissions.can_reply_topic(user, topic)
    if status == 200 and request.method == "GET":
        services.topic_view_record(topic=topic, user=user)
    urls = {name: _url_for_each(f"community:{name}") for name in _POST_URLS}
    quote_prefix = f"?page={page_obj.number}&" if page_obj.number > 1 else "?"

    def item(post):
        pk = post.pk
        can = actions[pk]
        return {
            "post": post,
            "id": str(pk),  # a string: no number formatting for each of its many uses
            "my_vote": my_votes.get(pk, 0),
            "liked": pk in my_likes,
            "can_vote": can.vote,
            "can_like": can.like,
            "can_edit": can.edit,
            "can_history": post.edited_at is not None and can.history,
            "can_quote": can_reply,
            "can_accept": can.accept and pk != topic.accepted_post_id,
            "is_accepted": pk == topic.accepted_post_id,
            **{f"{name}_url": url(pk) for name, url in urls.items()},
            "quote_url": f"{quote_prefix}quote={pk}#reply-heading",
        }

    if reply_form is None:
        reply_form = PostForm(initial={"body": _quote(request, topic)})
    article_url = None
    if topic.article_id and topic.article.live:
        from hub import audience

        if audience.visible_to(user, topic.article):
            article_url = topic.article.get_url(request=request)
    return render(
        request,
        "community/topic.html",
        {
            "topic": topic,
            "question": item(topic.first_post) if topic.first_post else None,
            "accepted": item(accepted) if accepted else None,
            "posts": [item(p) for p in page_posts],
            "page_obj": page_obj,
            "can_reply": can_reply,
            "reply_form": reply_form,
            "watching": selectors.is_watching_topic(topic),
            "can_watch": permissions.can_watch_topic(user, topic),
            "can_bookmark": permissions.can_bookmark_topic(user, topic),
            "can_promote": permissions.can_promote_topic(user, topic),
            "article_url": article_url,
        },
        status=status,
    )


def _quote(request, topic) -> str:
    """?quote=<post id>: the reply form starts with that post as a Markdown blockquote and a
    link to it (works without JavaScript)."""
    raw = request.GET.get("quote", "")
    if not raw.isdigit():
        return ""
    post = selectors.post_for(request.user, int(raw))
    if (
        post is None
        or post.topic_id != topic.pk
        or not permissions.can_view_post(request.user, post)
    ):
        return ""
    quoted = "\n".join(f"> {line}" if line else ">" for line in post.source.splitlines())
    name = post.author.display_name
    link = f"{topic.get_absolute_url()}#post-{post.pk}"
    return f"{quoted}\n>\n> — [{name}]({link})\n\n"


def _with_upload(request, form_class, **form_kwargs):
    """Bind the form; an attached image is verified and stored, and its Markdown reference is
    added to the end of the text. Returns (form, uploaded). A refused image leaves the text as
    it was and an error on the image field."""
    form = form_class(request.POST, request.FILES, **form_kwargs)
    upload = request.FILES.get("image")
    if upload is None:
        return form, False
    try:
        image = services.post_image_upload(uploader=request.user, upload=upload)
    except ValidationError as exc:
        form.is_valid()
        add_validation_error(form, exc)
        return form, False
    data = request.POST.copy()
    alt = (upload.name or "image").rsplit(".", 1)[0].replace("[", "").replace("]", "")[:80]
    body = (data.get("body") or "").rstrip()
    data["body"] = f"{body}\n\n![{alt}]({image.get_absolute_url()})".lstrip()
    return form_class(data, **form_kwargs), True


def topic(request, pk: int):
    return _topic_page(request, _topic(request, pk))


def new_topic(request, slug: str):
    category = _category(request, slug)
    permissions.check_create_topic(request.user, category)
    uploaded = False
    if request.method == "POST":
        form, uploaded = _with_upload(request, TopicForm)
    else:
        form = TopicForm(initial={"product": category.product_id})
    form.fields["title"].widget.attrs.update(
        {
            "hx-get": reverse("community:similar"),
            "hx-trigger": "input changed delay:300ms",
            "hx-target": "#similar-results",
            "hx-sync": "this:replace",
            "aria-describedby": "similar-results",
            "autocomplete": "off",
        }
    )
    preview = None
    if request.method == "POST" and (uploaded or "upload" in request.POST):
        if uploaded:
            messages.success(request, _("The image is uploaded and added to the end of your text."))
        form.is_valid()
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "preview" in request.POST:
            preview = render_markdown(data["body"]).html
        else:
            try:
                topic = services.topic_create(
                    category=category,
                    author=request.user,
                    kind=data["kind"],
                    title=data["title"],
                    body=data["body"],
                    product=data["product"],
                    tags=form.tag_list(),
                )
            except ValidationError as exc:
                add_validation_error(form, exc)
            else:
                messages.success(request, _("Your topic is posted."))
                return redirect(topic)
    return render(
        request,
        "community/new_topic.html",
        {"category": category, "form": form, "preview": preview},
        status=400 if form.errors else 200,
    )


@require_GET
def similar(request):
    """The "similar questions and articles" list under a new topic's title (htmx, debounced)."""
    results = selectors.similar_to(request.user, request.GET.get("title", ""))
    return render(request, "community/includes/similar.html", {"similar": results})


@require_POST
def reply(request, pk: int):
    topic = _topic(request, pk)
    permissions.check_reply_topic(request.user, topic)
    form, uploaded = _with_upload(request, PostForm)
    if uploaded or "upload" in request.POST:
        if uploaded:
            messages.success(request, _("The image is uploaded and added to the end of your text."))
        form.is_valid()
        return _topic_page(request, topic, reply_form=form, status=200 if uploaded else 400)
    if form.is_valid():
        try:
            post = services.post_create(
                topic=topic, author=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("Your reply is posted."))
            last_page = max(1, -(-topic.reply_count // POSTS_PER_PAGE))
            return redirect(f"{topic.get_absolute_url()}?page={last_page}#post-{post.pk}")
    return _topic_page(request, topic, reply_form=form, status=400)


def edit_post(request, pk: int):
    post = _post(request, pk)
    permissions.check_edit_post(request.user, post)
    uploaded = False
    if request.method == "POST":
        form, uploaded = _with_upload(request, EditPostForm)
    else:
        form = EditPostForm(initial={"body": post.source})
    preview = None
    if request.method == "POST" and (uploaded or "upload" in request.POST):
        if uploaded:
            messages.success(request, _("The image is uploaded and added to the end of your text."))
        form.is_valid()
    elif request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            preview = render_markdown(form.cleaned_data["body"]).html
        else:
            try:
                services.post_edit(post=post, by=request.user, body=form.cleaned_data["body"])
            except ValidationError as exc:
                add_validation_error(form, exc)
            else:
                messages.success(request, _("Your changes are saved."))
                return redirect(f"{post.topic.get_absolute_url()}#post-{post.pk}")
    return render(
        request,
        "community/edit_post.html",
        {"post": post, "topic": post.topic, "form": form, "preview": preview},
        status=400 if form.errors else 200,
    )


@require_POST
def accept(request, pk: int):
    post = _post(request, pk)
    topic = _topic(request, post.topic_id)
    permissions.check_accept_answer(request.user, topic, post)
    try:
        services.topic_accept_answer(topic=topic, post=post, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The answer is marked as accepted."))
    return redirect(topic)


@require_POST
def vote(request, pk: int):
    post = _post(request, pk)
    permissions.check_vote_post(request.user, post)
    try:
        value = int(request.POST.get("value", ""))
        services.post_vote(post=post, user=request.user, value=value)
    except (ValueError, ValidationError):
        messages.error(request, _("That vote could not be counted."))
    return redirect(f"{post.topic.get_absolute_url()}#post-{post.pk}")


def _back(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@require_POST
def like(request, pk: int):
    post = _post(request, pk)
    permissions.check_like_post(request.user, post)
    try:
        services.post_like_toggle(post=post, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(_back(request, f"{post.topic.get_absolute_url()}#post-{post.pk}"))


@require_POST
def bookmark(request, pk: int):
    topic = _topic(request, pk)
    permissions.check_bookmark_topic(request.user, topic)
    if services.topic_bookmark_toggle(topic=topic, user=request.user):
        messages.success(request, _("Bookmarked. Find it under My bookmarks."))
    else:
        messages.success(request, _("Bookmark removed."))
    return redirect(_back(request, topic.get_absolute_url()))


@require_POST
def watch_topic(request, pk: int):
    topic = _topic(request, pk)
    permissions.check_watch_topic(request.user, topic)
    watching = request.POST.get("watch") == "1"
    services.topic_watch_set(topic=topic, user=request.user, watching=watching)
    messages.success(
        request,
        _("You are watching this topic.") if watching else _("You stopped watching this topic."),
    )
    return redirect(_back(request, topic.get_absolute_url()))


@require_POST
def watch_category(request, slug: str):
    category = _category(request, slug)
    permissions.check_watch_category(request.user, category)
    watching = request.POST.get("watch") == "1"
    services.category_watch_set(category=category, user=request.user, watching=watching)
    messages.success(
        request,
        _("You are watching this category.")
        if watching
        else _("You stopped watching this category."),
    )
    return redirect(_back(request, category.get_absolute_url()))


def history(request, pk: int):
    """Staff: every earlier version of a post, with what each edit changed."""
    post = _post(request, pk)
    permissions.check_view_history(request.user, post)
    revisions = selectors.post_revisions(post)
    sources = [r.source for r in revisions] + [post.source]
    versions = []
    for index, revision in enumerate(revisions):
        diff = difflib.unified_diff(
            sources[index].splitlines(),
            sources[index + 1].splitlines(),
            lineterm="",
            n=2,
        )
        versions.append({"revision": revision, "diff": list(diff)[2:], "source": sources[index]})
    return render(
        request,
        "community/history.html",
        {"post": post, "topic": post.topic, "versions": list(reversed(versions))},
    )


def promote(request, pk: int):
    """Staff: make a draft knowledge article of a solved question."""
    topic = _topic(request, pk)
    permissions.check_promote_topic(request.user, topic)
    form = PromoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            article = services.topic_promote_to_article(
                topic=topic, section=form.cleaned_data["section"], by=request.user
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("A draft article is ready for the editors: %(title)s") % {"title": article.title},
            )
            return redirect(topic)
    return render(
        request,
        "community/promote.html",
        {"topic": topic, "form": form},
        status=400 if form.errors else 200,
    )


def image(request, pk: int):
    """A post image, only to people who may see its post (404 to anyone else)."""
    image = get_object_or_404(PostImage.objects.select_related("post__topic__category"), pk=pk)
    permissions.check_view_image(request.user, image)
    response = FileResponse(image.file.open("rb"), content_type=image.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response
