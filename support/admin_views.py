"""The admin's answer page (mounted by wagtail_hooks under /admin/support-requests/)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from hub.forms import add_validation_error
from support import permissions, selectors, services
from support.forms import StaffReplyForm, StaffStatusForm
from support.models import SupportRequest


def answer(request, pk: int):
    permissions.check_answer_request(request.user)
    support_request = get_object_or_404(
        SupportRequest.objects.select_related("requester", "organisation", "product"), pk=pk
    )
    action = request.POST.get("action") if request.method == "POST" else None
    reply_form = StaffReplyForm(
        request.POST if action == "reply" else None,
        request.FILES if action == "reply" else None,
    )
    status_form = StaffStatusForm(
        request.POST if action == "status" else None,
        initial={"status": support_request.status},
    )
    if action == "reply" and reply_form.is_valid():
        data = reply_form.cleaned_data
        try:
            services.support_reply(
                request=support_request,
                by=request.user,
                body=data["body"],
                files=data["attachments"],
                new_status=data["status"],
            )
        except ValidationError as exc:
            add_validation_error(reply_form, exc)
        else:
            messages.success(request, _("Your reply was sent to the customer."))
            return redirect("support_admin:answer", support_request.pk)
    if action == "status" and status_form.is_valid():
        services.support_set_status(
            request=support_request, by=request.user, status=status_form.cleaned_data["status"]
        )
        messages.success(request, _("The status was changed."))
        return redirect("support_admin:answer", support_request.pk)
    return TemplateResponse(
        request,
        "support/admin/answer.html",
        {
            "support_request": support_request,
            "thread": selectors.thread_of(support_request),
            "reply_form": reply_form,
            "status_form": status_form,
            "header_icon": "help",
            "page_title": str(support_request),
        },
        status=400 if action else 200,
    )
