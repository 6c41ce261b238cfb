from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import check_view_module
from hub.forms import add_validation_error
from support import permissions, selectors, services
from support.forms import ReplyForm, SupportRequestForm
from support.models import Status


def _request_or_404(request, pk: int):
    """A request the person may see, else 404 (existence is private)."""
    found = selectors.request_for(request.user, pk)
    if found is None:
        raise Http404
    permissions.check_view_request(request.user, found)
    return found


def request_list(request):
    check_view_module(request.user, "support")
    status = request.GET.get("status", "active")
    if status not in selectors.LIST_FILTERS:
        status = "active"
    page = Paginator(selectors.request_list(request.user, status=status), selectors.PER_PAGE)
    return render(
        request,
        "support/list.html",
        {
            "page_obj": page.get_page(request.GET.get("page")),
            "status": status,
            "filters": [
                ("active", _("Not closed")),
                *((value, label) for value, label in Status.choices),
                ("all", _("All")),
            ],
        },
    )


def request_new(request):
    permissions.check_open_request(request.user)
    form = SupportRequestForm(
        request.POST or None,
        request.FILES or None,
        products=selectors.products_for(request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.support_request_open(
                by=request.user,
                subject=data["subject"],
                product=data["product"],
                description=data["description"],
                files=data["attachments"],
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("Your request #%(pk)s was sent. We will answer here and by e-mail.")
                % {"pk": created.pk},
            )
            return redirect(created)
    return render(request, "support/new.html", {"form": form})


@require_GET
def suggest(request):
    """The htmx fragment of articles and solved questions matching the subject being typed."""
    check_view_module(request.user, "support")
    text = request.GET.get("subject", "")
    suggestions, degraded = selectors.suggestions_for(request.user, text)
    return render(
        request,
        "support/includes/suggestions.html",
        {"suggestions": suggestions, "degraded": degraded, "asked": len(text.strip()) >= 3},
    )


def request_detail(request, pk: int):
    support_request = _request_or_404(request, pk)
    return _detail(request, support_request, ReplyForm())


def _detail(request, support_request, form, status=200):
    user = request.user
    return render(
        request,
        "support/detail.html",
        {
            "support_request": support_request,
            "thread": selectors.thread_of(support_request),
            "form": form,
            "can_reply": permissions.can_reply_request(user, support_request),
            "can_close": permissions.can_close_request(user, support_request),
            "can_reopen": permissions.can_reopen_request(user, support_request),
        },
        status=status,
    )


@require_POST
def request_reply(request, pk: int):
    support_request = _request_or_404(request, pk)
    permissions.check_reply_request(request.user, support_request)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.support_reply(
                request=support_request,
                by=request.user,
                body=form.cleaned_data["body"],
                files=form.cleaned_data["attachments"],
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("Your reply was sent."))
            return redirect(support_request)
    return _detail(request, support_request, form, status=400)


@require_POST
def request_status(request, pk: int, status: str):
    support_request = _request_or_404(request, pk)
    services.support_set_status(request=support_request, by=request.user, status=status)
    if status == Status.CLOSED:
        messages.success(request, _("The request was closed."))
    else:
        messages.success(request, _("The request was reopened."))
    return redirect(support_request)


def attachment(request, pk: int):
    """A file of a request the person may see; anything else is a 404."""
    found = selectors.attachment_for(pk)
    if found is None:
        raise Http404
    support_request = found.message.request
    if not request.user.is_staff:
        check_view_module(request.user, "support")
    if not permissions.can_see_request(request.user, support_request):
        raise Http404
    try:
        handle = found.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=found.name, content_type=found.content_type
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
