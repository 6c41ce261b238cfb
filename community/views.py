"""Thin views: fetch through selectors, check through permissions, write through services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community import permissions, selectors, services
from community.forms import EditPostForm, PostForm, TopicForm
from community.markdown import render_markdown
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


def category(request, slug: str):
    category = _category(request, slug)
    page = Paginator(selectors.topic_list(request.user, category=category), TOPICS_PER_PAGE)
    return render(
        request,
        "community/category.html",
        {
            "category": category,
            "page_obj": page.get_page(request.GET.get("page")),
            "can_create_topic": permissions.can_create_topic(request.user, category),
        },
    )


def _topic_page(request, topic, *, reply_form=None, status=200):
    user = request.user
    paginator = Paginator(selectors.replies(user, topic=topic), POSTS_PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    accepted = topic.accepted_post
    if accepted is not None and not permissions.can_view_post(user, accepted):
        accepted = None
    page_posts = list(page_obj.object_list)
    my_votes = selectors.votes_by(user, [topic.first_post, accepted, *page_posts])
    can_accept = permissions.can_accept_answer(user, topic)

    def item(post):
        return {
            "post": post,
            "my_vote": my_votes.get(post.pk, 0),
            "can_vote": permissions.can_vote_post(user, post),
            "can_edit": permissions.can_edit_post(user, post),
            "can_accept": can_accept
            and post.pk != topic.accepted_post_id
            and permissions.can_accept_answer(user, topic, post),
            "is_accepted": post.pk == topic.accepted_post_id,
        }

    return render(
        request,
        "community/topic.html",
        {
            "topic": topic,
            "question": item(topic.first_post) if topic.first_post else None,
            "accepted": item(accepted) if accepted else None,
            "posts": [item(p) for p in page_posts],
            "page_obj": page_obj,
            "can_reply": permissions.can_reply_topic(user, topic),
            "reply_form": reply_form or PostForm(),
        },
        status=status,
    )


def topic(request, pk: int):
    return _topic_page(request, _topic(request, pk))


def new_topic(request, slug: str):
    category = _category(request, slug)
    permissions.check_create_topic(request.user, category)
    form = TopicForm(request.POST or None, initial={"product": category.product_id})
    preview = None
    if request.method == "POST" and form.is_valid():
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


@require_POST
def reply(request, pk: int):
    topic = _topic(request, pk)
    permissions.check_reply_topic(request.user, topic)
    form = PostForm(request.POST)
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
    form = EditPostForm(request.POST or None, initial={"body": post.source})
    preview = None
    if request.method == "POST" and form.is_valid():
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
