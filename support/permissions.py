"""Who may do what with support requests. One check per action; `can_*` beside it.

Who sees a request (the documented default): the person who opened it, the admin contacts of
the organisation it was opened for, and staff. Other colleagues do not: a request may carry
things a person wrote for support only. The same rule serves the list, the detail page, the
attachments and the notifications. A request outside the rule does not exist for the person
(404); so does the whole module when the portal settings or the person's profile hide it.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.permissions import admin_organisation_ids, check_view_module
from support.models import Status, SupportRequest


def _is_staff(user) -> bool:
    return user.is_authenticated and user.is_active and user.is_staff


def can_see_request(user, request: SupportRequest) -> bool:
    """The visibility rule for one request (without the module switch; see check_view_request)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_staff:
        return True
    return request.requester_id == user.pk or (
        request.organisation_id is not None
        and request.organisation_id in admin_organisation_ids(user)
    )


def check_view_request(user, request: SupportRequest) -> None:
    """Customers need the module and the rule; staff see every request (they answer them)."""
    if _is_staff(user):
        return
    check_view_module(user, "support")
    if not can_see_request(user, request):
        raise Http404


def check_open_request(user) -> None:
    check_view_module(user, "support")


def check_reply_request(user, request: SupportRequest) -> None:
    """Anyone who sees an open request may add to it; a closed one is reopened first."""
    check_view_request(user, request)
    if request.is_closed:
        raise PermissionDenied


def can_reply_request(user, request: SupportRequest) -> bool:
    try:
        check_reply_request(user, request)
    except (PermissionDenied, Http404):
        return False
    return True


def check_close_request(user, request: SupportRequest) -> None:
    check_view_request(user, request)
    if request.is_closed:
        raise PermissionDenied


def can_close_request(user, request: SupportRequest) -> bool:
    try:
        check_close_request(user, request)
    except (PermissionDenied, Http404):
        return False
    return True


def check_reopen_request(user, request: SupportRequest) -> None:
    check_view_request(user, request)
    if request.status != Status.CLOSED:
        raise PermissionDenied


def can_reopen_request(user, request: SupportRequest) -> bool:
    try:
        check_reopen_request(user, request)
    except (PermissionDenied, Http404):
        return False
    return True


def check_answer_request(user) -> None:
    """Staff answer and change the status from the admin."""
    if not _is_staff(user):
        raise PermissionDenied
