"""Thin views: moderators are checked first (403 for everyone else), objects are fetched
through selectors, every change is a POST through a service."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import User
from community import selectors as community_selectors
from hub.forms import add_validation_error
from moderation import permissions, selectors, services, trust
from moderation.forms import FlagForm, LogFilterForm, MergeForm, MoveForm, ReasonForm, RestrictForm
from moderation.models import Restriction

QUEUE_PER_PAGE = 20
LOG_PER_PAGE = 50

# action → (service, page title, button label, done message, form class)
POST_ACTIONS = {
    "hide": (
        services.post_hide,
        gettext_lazy("Hide post"),
        gettext_lazy("The post is hidden."),
    ),
    "restore": (
        services.post_restore,
        gettext_lazy("Restore post"),
        gettext_lazy("The post is visible again."),
    ),
    "delete": (
        services.post_delete,
        gettext_lazy("Delete post"),
        gettext_lazy("The post is deleted."),
    ),
    "undelete": (
        services.post_undelete,
        gettext_lazy("Undelete post"),
        gettext_lazy("The post is back."),
    ),
    "dismiss": (
        services.flags_dismiss,
        gettext_lazy("Dismiss flags"),
        gettext_lazy("The flags are dismissed."),
    ),
}
TOPIC_ACTIONS = {
    "lock": (
        services.topic_lock,
        gettext_lazy("Lock topic"),
        gettext_lazy("The topic is locked."),
    ),
    "unlock": (
        services.topic_unlock,
        gettext_lazy("Unlock topic"),
        gettext_lazy("The topic is open for replies again."),
    ),
    "pin": (services.topic_pin, gettext_lazy("Pin topic"), gettext_lazy("The topic is pinned.")),
    "unpin": (
        services.topic_unpin,
        gettext_lazy("Unpin topic"),
        gettext_lazy("The topic is no longer pinned."),
    ),
    "delete": (
        services.topic_delete,
        gettext_lazy("Delete topic"),
        gettext_lazy("The topic is deleted."),
    ),
    "undelete": (
        services.topic_undelete,
        gettext_lazy("Undelete topic"),
        gettext_lazy("The topic is back."),
    ),
    "move": (services.topic_move, gettext_lazy("Move topic"), gettext_lazy("The topic is moved.")),
    "merge": (
        services.topic_merge,
        gettext_lazy("Merge topic"),
        gettext_lazy("The topics are merged."),
    ),
}
MEMBER_ACTIONS = {
    "silence": (
        Restriction.Kind.SILENCE,
        gettext_lazy("Silence member"),
        gettext_lazy("The member cannot post until the silence ends."),
    ),
    "suspend": (
        Restriction.Kind.SUSPEND,
        gettext_lazy("Suspend member"),
        gettext_lazy("The member is suspended and signed out."),
    ),
}


def _next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _action_page(request, *, title, form, target, kind, status=200, **extra):
    return render(
        request,
        "moderation/action.html",
        {
            "title": title,
            "form": form,
            "target": target,
            "kind": kind,
            "next": _next(request, ""),
            **extra,
        },
        status=status,
    )


# --- members: flagging and their own notices ----------------------------------------------------


def flag(request, pk: int):
    post = community_selectors.post_for(request.user, pk)
    if post is None:
        raise Http404
    permissions.check_flag_post(request.user, post)
    form = FlagForm(request.POST if request.method == "POST" else None)
    back = f"{post.topic.get_absolute_url()}#post-{post.pk}"
    if request.method == "POST" and form.is_valid():
        try:
            services.flag_create(
                post=post,
                user=request.user,
                reason=form.cleaned_data["reason"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("Thank you. The moderators will look at this post."))
            return redirect(back)
    return render(
        request,
        "moderation/flag.html",
        {"post": post, "topic": post.topic, "form": form, "back": back},
        status=400 if form.errors else 200,
    )


def notices(request):
    """A member's own page: their current restriction and the decisions that affected them."""
    page = Paginator(selectors.notices_for(request.user), LOG_PER_PAGE)
    return render(
        request,
        "moderation/notices.html",
        {
            "page_obj": page.get_page(request.GET.get("page")),
            "restriction": trust.restriction_of(request.user),
        },
    )


# --- moderators ------------------------------------------------------------------------------


def queue(request):
    permissions.check_moderate(request.user)
    page_obj = Paginator(selectors.open_flag_groups(), QUEUE_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "moderation/queue.html",
        {"page_obj": page_obj, "items": selectors.queue_items(page_obj.object_list)},
    )


def log(request):
    permissions.check_moderate(request.user)
    actors = list(selectors.log_actors())
    form = LogFilterForm(request.GET or None, actors=actors)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = selectors.log_entries(
        action=filters.get("action") or "",
        actor_id=filters.get("actor"),
        member=filters.get("member") or "",
        topic_id=filters.get("topic"),
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "moderation/log.html",
        {
            "form": form,
            "page_obj": Paginator(entries, LOG_PER_PAGE).get_page(request.GET.get("page")),
            "query": query.urlencode(),
        },
    )


def post_action(request, pk: int, action: str):
    permissions.check_moderate(request.user)
    if action not in POST_ACTIONS:
        raise Http404
    post = selectors.post_for_moderator(pk)
    if post is None:
        raise Http404
    service, title, done = POST_ACTIONS[action]
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            service(post=post, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, done)
            return redirect(_next(request, f"{post.topic.get_absolute_url()}#post-{post.pk}"))
    return _action_page(
        request,
        title=title,
        form=form,
        target=post,
        kind="post",
        status=400 if form.errors else 200,
    )


def topic_action(request, pk: int, action: str):
    permissions.check_moderate(request.user)
    if action not in TOPIC_ACTIONS:
        raise Http404
    topic = selectors.topic_for_moderator(pk)
    if topic is None:
        raise Http404
    service, title, done = TOPIC_ACTIONS[action]
    data = request.POST if request.method == "POST" else None
    if action == "move":
        form = MoveForm(data, categories=selectors.categories().exclude(pk=topic.category_id))
    elif action == "merge":
        form = MergeForm(data)
    else:
        form = ReasonForm(data)
    if request.method == "POST" and form.is_valid():
        kwargs = {"topic": topic, "by": request.user, "reason": form.cleaned_data["reason"]}
        try:
            if action == "move":
                kwargs["category"] = form.cleaned_data["category"]
            elif action == "merge":
                into = selectors.topic_for_moderator(form.cleaned_data["target"])
                if into is None:
                    raise ValidationError({"target": _("There is no topic with that number.")})
                kwargs["into"] = into
            result = service(**kwargs)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, done)
            default = result.get_absolute_url()
            return redirect(default if action == "merge" else _next(request, default))
    return _action_page(
        request,
        title=title,
        form=form,
        target=topic,
        kind="topic",
        status=400 if form.errors else 200,
    )


def _member(pk: int) -> User:
    member = User.objects.filter(pk=pk).first()
    if member is None:
        raise Http404
    return member


def member(request, pk: int):
    permissions.check_moderate(request.user)
    member = _member(pk)
    return render(
        request,
        "moderation/member.html",
        {
            "member": member,
            "restrictions": list(selectors.restrictions_of(member)[:20]),
            "active": trust.restriction_of(member),
            "entries": list(selectors.member_log(member)[:20]),
            "form": RestrictForm(),
            "trust_level": trust.trust_level(member),
        },
    )


def member_action(request, pk: int, action: str):
    permissions.check_moderate(request.user)
    if action not in MEMBER_ACTIONS:
        raise Http404
    member = _member(pk)
    kind, title, done = MEMBER_ACTIONS[action]
    form = RestrictForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_restrict(
                member=member,
                kind=kind,
                days=form.cleaned_data["days"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, done)
            return redirect(_next(request, reverse("moderation:member", args=[member.pk])))
    return _action_page(
        request,
        title=title,
        form=form,
        target=member,
        kind="member",
        status=400 if form.errors else 200,
    )


@require_POST
def lift(request, pk: int):
    permissions.check_moderate(request.user)
    restriction = Restriction.objects.select_related("user").filter(pk=pk).first()
    if restriction is None:
        raise Http404
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        services.member_lift(
            restriction=restriction, by=request.user, reason=form.cleaned_data.get("reason")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The restriction is lifted."))
    return redirect("moderation:member", restriction.user_id)
